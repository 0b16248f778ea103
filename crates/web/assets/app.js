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

// Main menu groups (details/summary): one open at a time; Escape or a click elsewhere closes
// them, and Escape puts the focus back on the group's title.
document.addEventListener("toggle", function (e) {
  var d = e.target;
  if (!d || !d.matches || !d.matches("nav.menu details") || !d.open) { return; }
  document.querySelectorAll("nav.menu details[open]").forEach(function (o) { if (o !== d) { o.open = false; } });
}, true);
document.addEventListener("keydown", function (e) {
  if (e.key !== "Escape") { return; }
  var open = document.querySelector("nav.menu details[open]");
  if (open) { open.open = false; open.querySelector("summary").focus(); }
});
document.addEventListener("click", function (e) {
  document.querySelectorAll("nav.menu details[open]").forEach(function (o) {
    if (!o.contains(e.target)) { o.open = false; }
  });
});

// After a refusal, the focus goes to the first field it names (or to the refusal itself), so
// a keyboard or screen-reader user starts where the correction is.
document.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector('main [aria-invalid="true"]');
  if (bad) { bad.focus(); return; }
  var refusal = document.querySelector("main .refusal[role=alert]");
  if (refusal) { refusal.setAttribute("tabindex", "-1"); refusal.focus(); }
});

// Date fields stay typed text in dd/mm/yyyy (the form every office reads, whatever the
// browser's language); a calendar button beside each opens the browser's own date picker
// (a hidden <input type=date>) and writes the chosen day back as dd/mm/yyyy. No library.
function pad2(n) { return (n < 10 ? "0" : "") + n; }
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.date").forEach(function (text) {
    if (text.dataset.picker) { return; }
    text.dataset.picker = "1";
    var native = document.createElement("input");
    native.type = "date";
    native.className = "date-native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-pick";
    button.textContent = "Lịch";
    button.setAttribute("aria-label", "Chọn ngày trên lịch");
    text.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", native);
    button.addEventListener("click", function () {
      var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.value.trim());
      native.value = m ? m[3] + "-" + pad2(+m[2]) + "-" + pad2(+m[1]) : "";
      if (native.showPicker) { native.showPicker(); } else { native.focus(); }
    });
    native.addEventListener("change", function () {
      var p = native.value.split("-");
      if (p.length !== 3) { return; }
      text.value = p[2] + "/" + p[1] + "/" + p[0];
      text.dispatchEvent(new Event("change", { bubbles: true }));
      text.focus();
    });
  });
});

// Reports page: "Tải DOCX" after typing in the written parts saves them first (the form's
// "Lưu và tải DOCX"), so the document never silently misses what was typed.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("a[data-unsaved-form]").forEach(function (link) {
    var form = document.getElementById(link.dataset.unsavedForm);
    if (!form) { return; }
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    link.addEventListener("click", function (e) {
      if (!dirty) { return; }
      e.preventDefault();
      var submit = form.querySelector('button[name=then][value="' + link.dataset.unsavedAction + '"]');
      if (submit) { dirty = false; form.requestSubmit(submit); }
    });
  });
});
