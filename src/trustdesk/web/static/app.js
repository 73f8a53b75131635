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

  // The JSON API with the session cookie (CSRF header on writes); a refusal rejects with the server's
  // message and `status`. Shared by the console's scripts (console.js, supervise.js).
  function api(method, path, body) {
    var opts = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      opts.headers["Content-Type"] = "application/json";
      opts.headers["X-CSRF-Token"] = window.trustdeskCsrf || "";
      opts.body = JSON.stringify(body || {});
    }
    return fetch("/api/v1" + path, opts).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        if (!r.ok) {
          var err = (data && data.error) || {};
          var e = new Error(err.message || ("request failed (" + r.status + ")"));
          e.status = r.status;
          throw e;
        }
        return data;
      });
    });
  }

  // One row of a conversation list (the agents' queue, the supervisor's list): a button in a list item
  // with the customer's name, `aside` beside it and `subText` below. Returns the button; the caller
  // adds its badges and click, then appends the button's list item.
  function conversationItem(c, currentId, aside, subText) {
    var li = document.createElement("li");
    var b = document.createElement("button");
    b.type = "button";
    b.className = "cv-item";
    b.setAttribute("data-id", c.id);
    if (currentId === c.id) { b.setAttribute("aria-current", "true"); }
    var top = document.createElement("span");
    top.className = "cv-item-top";
    var who = document.createElement("strong");
    who.textContent = c.customer.name || "Visitor";
    top.appendChild(who); top.appendChild(aside);
    var sub = document.createElement("span");
    sub.className = "cv-item-sub";
    sub.textContent = subText;
    b.appendChild(top); b.appendChild(sub);
    li.appendChild(b);
    return b;
  }

  // Opens the agents' WebSocket. While `isCurrent(socket)` holds, its frames (parsed JSON) go to
  // `onFrame` and its close to `onClose(event)`; the page decides when to reconnect.
  function agentSocket(isCurrent, onFrame, onClose) {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/api/v1/agent/ws");
    socket.addEventListener("message", function (e) {
      var f; try { f = JSON.parse(e.data); } catch (x) { return; }
      if (isCurrent(socket)) { onFrame(f); }
    });
    socket.addEventListener("close", function (e) { if (isCurrent(socket)) { onClose(e); } });
    return socket;
  }

  window.trustdesk = { api: api, conversationItem: conversationItem, agentSocket: agentSocket };
})();
