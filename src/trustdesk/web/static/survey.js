// The satisfaction question in the customer's chat: shown once the conversation is resolved
// (chat.js announces every status it learns), answered once. Its words come from the page
// (templates/_chat_panel.html), in the page's language.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var form = document.getElementById("chat-survey");
  var done = document.getElementById("chat-survey-done");
  if (!root || !form || !done) { return; }
  var errorLine = document.getElementById("chat-survey-error");
  var comment = document.getElementById("chat-survey-comment");
  var tenant = root.getAttribute("data-tenant");
  var current = null;  // {id, token} of the resolved chat being asked about

  function url(id) {
    return "/api/v1/public/" + encodeURIComponent(tenant) + "/chat/conversations/" + encodeURIComponent(id) + "/survey";
  }
  function headers(token) {
    var h = { "Content-Type": "application/json", "Accept": "application/json" };
    if (token) { h.Authorization = "Bearer " + token; }
    if (window.trustdeskCsrf) { h["X-CSRF-Token"] = window.trustdeskCsrf; }
    return h;
  }
  function hideAll() { form.hidden = true; done.hidden = true; errorLine.hidden = true; }
  function finish(key) {
    form.hidden = true;
    done.textContent = done.getAttribute("data-" + key) || "";
    done.hidden = false;
  }
  function fail(key) {
    errorLine.textContent = done.getAttribute("data-" + key) || "";
    errorLine.hidden = false;
  }

  root.addEventListener("trustdesk:chat-status", function (event) {
    var d = event.detail || {};
    if (d.status !== "resolved" || !d.id) { current = null; hideAll(); return; }
    if (current && current.id === d.id && (!form.hidden || !done.hidden)) { return; }
    current = { id: d.id, token: d.token };
    fetch(url(d.id), { headers: headers(d.token), credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !current || current.id !== d.id) { return; }
        if (data.state === "open") {
          form.reset();
          done.hidden = true; errorLine.hidden = true;
          form.hidden = false;
        } else if (data.state === "answered") {
          finish("thanks");
        } else {
          hideAll();
        }
      })
      .catch(function () { hideAll(); });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) { return; }
    var chosen = form.querySelector("input[name=score]:checked");
    if (!chosen) { fail("choose"); return; }
    var body = { score: parseInt(chosen.value, 10) };
    if (comment.value.trim()) { body.comment = comment.value; }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(url(current.id), {
      method: "POST", headers: headers(current.token), credentials: "same-origin", body: JSON.stringify(body)
    })
      .then(function (r) {
        if (r.status === 201) { finish("thanks"); }
        else if (r.status === 409) { finish("already"); }
        else { fail("failed"); }
      })
      .catch(function () { fail("failed"); })
      .then(function () { button.disabled = false; });
  });
})();
