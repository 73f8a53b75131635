// Small progressive enhancements shared by every page. No inline script anywhere: CSP forbids it.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Header menus (<details>): one open at a time; Escape or a click elsewhere closes them. They work
  // without this script too (Enter or Space on the summary opens and closes them).
  var menus = Array.prototype.slice.call(document.querySelectorAll("details[data-nav-menu]"));
  function closeMenus(except) {
    menus.forEach(function (menu) { if (menu !== except) { menu.open = false; } });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () { if (menu.open) { closeMenus(menu); } });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("details[data-nav-menu]")) { closeMenus(null); }
  });
  // Expose the CSRF token for scripts that call the JSON API with the session cookie.
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.trustdeskCsrf = meta ? meta.getAttribute("content") : null;
})();
