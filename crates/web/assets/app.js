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

// Pickers (ô chọn người, đơn vị) in large organisations: a text box with data-pick becomes a
// combobox (WAI-ARIA 1.2 list autocomplete) that asks the server for at most 20 names as the
// user types (GET data-pick?q=…). Choosing puts the label in the box; the server resolves it
// on submit, so without this script the same box takes a name typed in full.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-pick]").forEach(function (box) {
    var listId = box.id + "-list";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "pick-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Kết quả tìm");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", listId);
    box.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    var timer = null, asked = 0, active = -1;
    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(i) {
      var items = list.querySelectorAll("li");
      if (!items.length) { return; }
      active = (i + items.length) % items.length;
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === active ? "true" : "false"); });
      box.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function choose(li) {
      box.value = li.textContent;
      close();
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function show(answers) {
      list.textContent = "";
      answers.forEach(function (a, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = a.label;
        list.appendChild(li);
      });
      status.textContent = answers.length ? answers.length + " kết quả; dùng phím mũi tên để chọn." : "Không tìm thấy.";
      if (answers.length) {
        list.hidden = false;
        box.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }
    function ask() {
      var q = box.value.trim();
      if (!q) { close(); return; }
      var n = ++asked;
      var url = box.dataset.pick + (box.dataset.pick.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (answers) { if (n === asked) { show(answers); } })
        .catch(function () { close(); });
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) { ask(); } else { mark(active + 1); } }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active - 1); }
      else if (e.key === "Enter" && !list.hidden && active >= 0) { e.preventDefault(); choose(list.querySelectorAll("li")[active]); }
      else if (e.key === "Escape" && !list.hidden) { e.preventDefault(); close(); }
    });
    // mousedown, not click: choosing must happen before the box loses the focus.
    list.addEventListener("mousedown", function (e) {
      var li = e.target.closest("li");
      e.preventDefault();
      if (li) { choose(li); }
    });
    box.addEventListener("blur", close);
  });
});
