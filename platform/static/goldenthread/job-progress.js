// The one poller for work the Celery worker does while a page waits (an import's check or
// commit, a pack run, an export): ask the panel's status URL every second, move the
// <progress> bar and its words, and load the finished page once the job stops running.
// Without JavaScript the panel's "Refresh" link shows the same. See includes/job_progress.html.
(function () {
  "use strict";
  var panel = document.querySelector("[data-job-progress]");
  if (!panel || !window.fetch) { return; }
  var bar = document.getElementById("job-progress-bar");
  var phase = document.getElementById("job-progress-phase");
  var words = document.getElementById("job-progress-text");
  var statusUrl = panel.getAttribute("data-status-url");
  var spokenTenth = -1;

  function show(state) {
    bar.value = state.progress;
    bar.textContent = state.progress + "%";
    phase.textContent = state.phase || "Working";
    // A screen reader hears only every tenth percent, not every poll.
    var tenth = Math.floor(state.progress / 10);
    if (tenth !== spokenTenth) {
      words.textContent = state.progress + "% done";
      spokenTenth = tenth;
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
