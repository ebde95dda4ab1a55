// Keeps people oriented when htmx replaces a list's results in place.
// Every list works without this file (and without htmx): forms and links are plain GETs.
//
// Contract with the list templates (see templates/components/results.html):
// - the results live in <div id="results">, whose heading is #results-heading;
// - a visually hidden live region #results-status sits outside that div, so screen
//   readers hear the new count;
// - focus moves to the new heading when the person asked for new results with a
//   button or a link, never while they are typing in a search box.
// Pagination links are boosted and replace #results whole (outerHTML), so the new
// heading is looked up in the document rather than in the swapped-out element.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (!target || target.id !== "results") {
    return;
  }
  var heading = document.getElementById("results-heading");
  var status = document.getElementById("results-status");
  if (heading && status) {
    status.textContent = heading.textContent.replace(/\s+/g, " ").trim();
  }
  var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
  if (heading && trigger && (trigger.type === "submit" || trigger.type === "click")) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});

// An element marked data-swap-only-with="<header name>" takes an htmx answer only when
// the answer carries that header (the workspace's commitment rows: see
// templates/manage/commitments/_row.html). Any other answer, such as the sign-in page
// after a timeout or an expired form's error page, is not swapped in: the form is sent
// again as a plain POST, so the person sees that whole page, as they would without
// JavaScript. htmx announces a swap on its target, so the element is the target or
// holds it.
document.addEventListener("htmx:beforeSwap", function (event) {
  var region = event.target.closest && event.target.closest("[data-swap-only-with]");
  if (!region) {
    return;
  }
  if (!event.detail.xhr.getResponseHeader(region.getAttribute("data-swap-only-with"))) {
    event.detail.shouldSwap = false;
    var source = event.detail.requestConfig.elt;
    if (source.tagName === "FORM") {
      source.submit();
    } else {
      // A row's form being loaded: follow its link to the commitment's page instead.
      var link = source.querySelector("a[href]");
      if (link) {
        window.location.assign(link.href);
      }
    }
  }
});
