// Small page behaviour that needs no framework (no inline script: the CSP forbids it).
// The file picker shows the chosen file's name in Vietnamese, whatever the browser's language.
document.addEventListener("change", function (e) {
  var input = e.target;
  if (!input || input.type !== "file" || !input.dataset.nameTarget) { return; }
  var out = document.getElementById(input.dataset.nameTarget);
  if (!out) { return; }
  var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
  out.textContent = names.length ? "Đã chọn: " + names.join(", ") : "Chưa chọn tệp";
});

// Forms that end something at once (revoke a delegation, remove a catalogue entry, log out
// everywhere, reset a password) ask first; the text is in the form's data-confirm attribute.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    e.preventDefault();
  }
});
