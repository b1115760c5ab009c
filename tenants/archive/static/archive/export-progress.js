// An export's progress page, enhanced: ask the status URL every second, move the bar and its
// words, and load the finished page when the worker is done. Without JavaScript the page's
// own "Refresh" link shows the same.
(function () {
  "use strict";
  var section = document.querySelector("[data-export-progress]");
  if (!section || !window.fetch) { return; }
  var bar = document.getElementById("export-progress-bar");
  var phase = document.getElementById("export-progress-phase");
  var words = document.getElementById("export-progress-text");
  var statusUrl = section.getAttribute("data-status-url");
  var spoken = -1;

  function show(state) {
    bar.value = state.progress;
    bar.textContent = state.progress + "%";
    phase.textContent = state.phase || "Working";
    // Tell screen readers only every tenth percent.
    var tenth = Math.floor(state.progress / 10);
    if (tenth !== spoken) {
      words.textContent = state.progress + "% done";
      spoken = tenth;
    }
  }

  function ask() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        show(state);
        if (state.running) { window.setTimeout(ask, 1000); } else { window.location.assign(state.url); }
      })
      .catch(function () { window.setTimeout(ask, 3000); });
  }

  window.setTimeout(ask, 700);
})();
