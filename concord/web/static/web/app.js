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
