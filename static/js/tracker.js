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
