// Small behaviours for every page. No inline scripts: this file is loaded with defer.
(function () {
  "use strict";
  // A suggested category fills the category select (the resident can still change it).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-category-code]");
    if (!button) return;
    var select = document.getElementById("id_category");
    if (!select) return;
    select.value = button.getAttribute("data-category-code");
    select.dispatchEvent(new Event("change", { bubbles: true }));
    select.focus();
  });
  // An answer the page was opened at (the guide's form targets #answer) is brought into view
  // and focused, so a screen reader starts there too. Without JS the fragment still scrolls.
  if (location.hash.length > 1) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.hasAttribute("tabindex")) {
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    }
  }
  // A filter box over a grouped select: typing hides options (and empty groups) whose words do
  // not match; a group whose own name matches keeps all its options. The select works alone.
  Array.prototype.forEach.call(document.querySelectorAll("[data-filters]"), function (input) {
    var select = document.getElementById(input.getAttribute("data-filters"));
    if (!select) return;
    var box = input.closest("[hidden]");
    if (box) box.hidden = false;
    var count = document.getElementById(input.getAttribute("aria-describedby"));
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var groupHit = !q || group.label.toLowerCase().indexOf(q) !== -1;
        var any = false;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (o) {
          var hit = groupHit || o.textContent.toLowerCase().indexOf(q) !== -1 || o.selected;
          o.hidden = !hit;
          if (hit) { any = true; shown += 1; }
        });
        group.hidden = !any;
      });
      if (count) count.textContent = q ? count.getAttribute("data-count-template").replace("%(n)s", shown) : "";
    });
  });
  // A print button on printable documents (CSP allows no inline handlers).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  // The language switch applies as soon as a language is chosen (the button stays for no-JS use).
  var lang = document.getElementById("lang-select");
  if (lang) {
    lang.addEventListener("change", function () { lang.form.submit(); });
  }
})();
