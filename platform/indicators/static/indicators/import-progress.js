// Progressive enhancement of the import progress page: poll the job's status and update the
// <progress> bar and its text; reload once the job has finished. Without JavaScript the page
// still works: its "Refresh" link shows the latest progress.
(function () {
  "use strict";
  var section = document.querySelector("[data-import-progress]");
  if (!section || !window.fetch) { return; }
  var bar = document.getElementById("import-progress-bar");
  var phase = document.getElementById("import-progress-phase");
  var text = document.getElementById("import-progress-text");
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

  window.setTimeout(poll, 1000);
})();
