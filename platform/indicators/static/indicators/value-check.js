/* Inline checking of a value before it is saved (progressive enhancement).
 *
 * Each form[data-value-check] posts its fields to the JSON endpoint named by the attribute
 * whenever a number or the state changes, and shows the answer (the status the value would
 * get, or why it would be refused) in its [data-check-output] live region. Without this
 * script the "Check the value" button posts the form and the page shows the same answer.
 */
(function () {
  "use strict";

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, wait);
    };
  }

  function listOf(messages) {
    var list = document.createElement("ul");
    messages.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    return list;
  }

  document.querySelectorAll("form[data-value-check]").forEach(function (form) {
    var output = form.querySelector("[data-check-output]");
    var url = form.getAttribute("data-value-check");
    var inputs = form.querySelectorAll(
      "input[name=value], input[name=numerator], input[name=denominator], select[name=state]"
    );
    var latest = 0;

    function empty() {
      var state = form.querySelector("select[name=state]");
      if (state && state.value !== "entered") { return false; }
      return Array.prototype.every.call(inputs, function (input) {
        return input.tagName === "SELECT" || input.value.trim() === "";
      });
    }

    function check() {
      if (empty()) { output.innerHTML = ""; return; }
      var ticket = ++latest;
      var data = new FormData(form);
      data.delete("action");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) { return response.json(); })
        .then(function (payload) {
          if (ticket !== latest) { return; } // an older answer arriving late
          if (payload.html) {
            output.innerHTML = payload.html; // rendered and escaped by the server
          } else {
            output.textContent = "";
            output.appendChild(listOf(payload.messages || []));
          }
        })
        .catch(function () {
          // Offline or refused: the form still checks everything when it is posted.
        });
    }

    var later = debounce(check, 350);
    inputs.forEach(function (input) {
      input.addEventListener("input", later);
      input.addEventListener("change", later);
    });
  });
})();
