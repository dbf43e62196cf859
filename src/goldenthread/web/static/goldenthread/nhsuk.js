// Starts the NHS.UK front-end components on every page (web/base.html loads this file as a module:
// it runs once the page is parsed, from the site's own static files as the Content-Security-Policy
// requires, and only in browsers nhsuk-frontend supports). Among them: an error summary takes focus
// when the page shows it after a failed submit, and the skip link moves focus to the main content.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

// File fields stay the browser's own: the package's drop zone would put a button in the field's
// place, labelled with a name that does not hold its visible text (WCAG 2.5.3, axe's
// label-content-name-mismatch), and take the field's id from it.
for (const upload of document.querySelectorAll('[data-module="nhsuk-file-upload"]')) {
  upload.removeAttribute("data-module");
}

initAll();
