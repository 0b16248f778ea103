// The "In sổ" button of the printed register (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", function () {
  var b = document.getElementById("print-button");
  if (b) { b.addEventListener("click", function () { window.print(); }); }
});
