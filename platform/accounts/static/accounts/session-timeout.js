/*
 * The idle warning (accounts.templatetags.accounts_sessions renders the <script> tag).
 *
 * A few minutes before the session would end for lack of activity, an alert dialog says
 * when, with a "Stay signed in" button that tells the server the person is still here. The
 * dialog is added beside the page, never instead of it, and nothing here navigates or
 * reloads: whatever was typed into a form stays where it is, even if the session ends.
 *
 * Before warning it asks the server how long is really left (another tab may have been
 * active); asking does not count as activity. No inline script: configuration comes from the
 * script element's data- attributes, so the page works under a CSP without unsafe-inline.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) {
    return;
  }
  var config = script.dataset;
  var warningSeconds = Number(config.warningSeconds) || 300;
  var timer = null;
  var dialog = null;
  var message = null;
  var stayButton = null;
  var returnFocusTo = null;

  function ask(url, method) {
    var headers = { Accept: "application/json" };
    if (method === "POST") {
      headers["X-CSRFToken"] = config.csrfToken;
    }
    return fetch(url, { method: method, credentials: "same-origin", headers: headers }).then(
      function (response) {
        if (response.status === 401) {
          return { ended: true };
        }
        if (!response.ok) {
          throw new Error("Session check answered " + response.status);
        }
        return response.json();
      }
    );
  }

  function later(seconds, then) {
    window.clearTimeout(timer);
    timer = window.setTimeout(then, Math.max(1, seconds) * 1000);
  }

  function clock(secondsLeft) {
    var at = new Date(Date.now() + secondsLeft * 1000);
    return at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  function build() {
    dialog = document.createElement("div");
    dialog.className = "session-warning";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-modal", "false");
    dialog.setAttribute("aria-labelledby", "session-warning-title");
    dialog.setAttribute("aria-describedby", "session-warning-message");
    dialog.hidden = true;
    var title = document.createElement("h2");
    title.id = "session-warning-title";
    title.textContent = "You will be signed out soon";
    message = document.createElement("p");
    message.id = "session-warning-message";
    stayButton = document.createElement("button");
    stayButton.type = "button";
    stayButton.className = "button";
    stayButton.textContent = "Stay signed in";
    stayButton.addEventListener("click", stay);
    dialog.appendChild(title);
    dialog.appendChild(message);
    dialog.appendChild(stayButton);
    document.body.appendChild(dialog);
  }

  function show(secondsLeft) {
    if (!dialog) {
      build();
    }
    message.textContent =
      "For your security you will be signed out at " + clock(secondsLeft) +
      " because nothing has been sent from this page for a while. " +
      "Anything you have typed stays on the page.";
    if (dialog.hidden) {
      returnFocusTo = document.activeElement;
      dialog.hidden = false;
      stayButton.focus();
    }
  }

  function hide() {
    if (dialog && !dialog.hidden) {
      dialog.hidden = true;
      if (returnFocusTo && document.contains(returnFocusTo)) {
        returnFocusTo.focus();
      }
    }
  }

  function ended() {
    window.clearTimeout(timer);
    if (!dialog) {
      build();
    }
    dialog.querySelector("h2").textContent = "You have been signed out";
    message.textContent =
      "Your session ended. What you typed is still on this page: copy anything you need " +
      "before leaving it, then sign in again.";
    stayButton.hidden = true;
    if (!dialog.querySelector("a")) {
      var link = document.createElement("a");
      link.href = config.signInUrl;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "Sign in again (opens a new tab)";
      dialog.appendChild(link);
    }
    dialog.hidden = false;
  }

  function follow(status) {
    if (status.ended) {
      ended();
    } else if (status.seconds_left > warningSeconds) {
      hide();
      later(status.seconds_left - warningSeconds, check);
    } else {
      show(status.seconds_left);
      // Look again shortly: another tab may keep the session alive, or it may end.
      later(Math.min(30, status.seconds_left + 1), check);
    }
  }

  function check() {
    ask(config.statusUrl, "GET").then(follow, function () {
      later(30, check);
    });
  }

  function stay() {
    stayButton.disabled = true;
    ask(config.keepAliveUrl, "POST").then(
      function (status) {
        stayButton.disabled = false;
        follow(status);
      },
      function () {
        stayButton.disabled = false;
        later(10, check);
      }
    );
  }

  later(Number(config.secondsLeft) - warningSeconds, check);
})();
