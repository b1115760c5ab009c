// Progressive enhancement of a background job's progress page (an import, a pack run, an
// export): poll the job's status, update the <progress> bar and its words, and reload the
// page once the job has finished (the reloaded page says how it went). The page marks its
// section with data-job-progress and data-status-url, and the bar, the phase label and the
// words with data-progress-bar, data-progress-phase and data-progress-text. Without
// JavaScript the page's "Refresh" link does the same.
(function () {
  "use strict";
  var section = document.querySelector("[data-job-progress]");
  if (!section || !window.fetch) { return; }
  var bar = section.querySelector("[data-progress-bar]");
  var phase = section.querySelector("[data-progress-phase]");
  var text = section.querySelector("[data-progress-text]");
  var url = section.getAttribute("data-status-url");
  var lastAnnounced = -1;

  function update(status) {
    bar.value = status.progress;
    bar.textContent = status.progress + "%";
    phase.textContent = status.phase || "Working";
    // Announce in steps of ten so a screen reader is not flooded.
    var step = Math.floor(status.progress / 10) * 10;
    if (step !== lastAnnounced) {
      text.textContent = status.progress + "% done";
      lastAnnounced = step;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        update(status);
        if (status.running) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.assign(status.url);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, 700);
})();
