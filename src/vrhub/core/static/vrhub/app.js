// Starts GOV.UK Frontend's components. A file, not an inline script, so the
// Content-Security-Policy can forbid inline script entirely.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// "Print this page" buttons: shown only where script runs, since without it they do nothing.
for (const button of document.querySelectorAll('[data-module="vrhub-print"]')) {
  button.addEventListener("click", () => window.print());
  button.closest("[hidden]")?.removeAttribute("hidden");
}
