// The header's menu on narrow screens (site.css folds it below 48rem only when this script
// has run, by the `js-menu` class): a "Menu" button that shows and hides the navigation and
// the sign-out form, saying which by aria-expanded. Without script the menu is always shown.
(function () {
  "use strict";
  function setUp() {
    var button = document.querySelector("[data-menu-button]");
    if (!button) {
      return;
    }
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("header-menu-open", open);
    }
    document.documentElement.classList.add("js-menu");
    button.hidden = false;
    show(false);
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and gives the focus back to its button.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
