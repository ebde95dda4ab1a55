// Starts the NHS.UK frontend's components (header menu, details and the like).
// A module of its own, loaded from templates/layout.html: the content security policy
// (tracker/security_headers.py) runs scripts from this site's files, not inline ones.
// The import resolves to the same address as the layout's own script tag for the
// library, so the browser loads it once.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
