// The error summary takes focus by `autofocus` (includes/error_summary.html). Browsers skip
// autofocus when the address has a fragment, and after the skip link it has one
// (#main-content, kept when the form posts back to the same address): then this gives the
// focus to the first summary, and drops the skip link's fragment so a reload does the same.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary || document.activeElement === summary) {
      return;
    }
    if (window.location.hash === "#main-content" && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
