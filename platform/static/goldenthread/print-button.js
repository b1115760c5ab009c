// A "Print" button ([data-print], hidden until this runs): printing works from the browser's
// menu too, the button is a convenience when scripts run. A file, not inline code, so that the
// Content-Security-Policy needs no 'unsafe-inline'.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
