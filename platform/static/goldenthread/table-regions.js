// Tables scroll inside their own region, never the page (WCAG 1.4.10): each table not already
// in one is wrapped in a region named after its caption (or the heading before it). The
// region takes keyboard focus only while it actually scrolls, so that keyboard users can
// scroll it without a tab stop for every table that fits.
(function () {
  "use strict";
  function nameOf(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim().replace(/\s+/g, " ");
    }
    var node = table.previousElementSibling;
    while (node) {
      if (/^H[1-6]$/.test(node.tagName)) {
        return node.textContent.trim().replace(/\s+/g, " ");
      }
      node = node.previousElementSibling;
    }
    return "Table";
  }
  function focusableWhileScrolling(region) {
    if (region.scrollWidth > region.clientWidth + 1) {
      region.setAttribute("tabindex", "0");
    } else if (!region.hasAttribute("data-always-focusable")) {
      region.removeAttribute("tabindex");
    }
  }
  function setUp() {
    var regions = [];
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var region = table.closest(".table-scroll");
      if (!region) {
        region = document.createElement("div");
        region.className = "table-scroll";
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", nameOf(table));
        table.parentNode.insertBefore(region, table);
        region.appendChild(table);
      } else if (region.getAttribute("tabindex") === "0") {
        region.setAttribute("data-always-focusable", "");
      }
      regions.push(region);
    }
    function update() {
      regions.forEach(focusableWhileScrolling);
    }
    update();
    window.addEventListener("resize", update);
    // A table in a closed <details> has no width until it is opened.
    document.addEventListener("toggle", update, true);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
