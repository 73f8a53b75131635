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
  // Expose the CSRF token for scripts that call the JSON API with the session cookie.
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.trustdeskCsrf = meta ? meta.getAttribute("content") : null;
})();
