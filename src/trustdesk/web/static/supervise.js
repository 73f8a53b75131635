// The supervisor's view: the conversations the bot holds (the list is refreshed every few seconds)
// and the transcript of the one opened, live over the agents' WebSocket; read-only, with "Take over".
(function () {
  "use strict";
  var root = document.getElementById("sv");
  if (!root) { return; }
  var list = document.getElementById("sv-list");
  var empty = document.getElementById("sv-empty");
  var live = document.getElementById("sv-live");
  var room = document.getElementById("sv-room");
  var hint = document.getElementById("sv-hint");
  var log = document.getElementById("sv-log");
  var errorLine = document.getElementById("sv-error");
  var take = document.getElementById("sv-take");
  var openLink = document.getElementById("sv-open");
  var doneLine = document.getElementById("sv-done");
  var REFRESH_MS = 5000;
  var current = null;   // {id, last_seq}
  var shown = {};       // seq -> true, for the open transcript
  var ws = null, retryDelay = 1000;

  var api = window.trustdesk.api;
  function show(el, text) { el.textContent = text || ""; el.hidden = !text; }

  function renderList(rows) {
    list.textContent = "";
    empty.hidden = rows.length > 0;
    rows.forEach(function (c) {
      var ref = document.createElement("span");
      ref.className = "muted small";
      ref.textContent = c.reference;
      var b = window.trustdesk.conversationItem(c, current && current.id, ref,
        c.customer_messages + " customer message" + (c.customer_messages === 1 ? "" : "s") +
        (c.language ? " \u00b7 " + c.language : "") + " \u00b7 last " + new Date(c.last_message_at).toLocaleTimeString());
      b.addEventListener("click", function () { open(c.id); });
      list.appendChild(b.parentNode);
    });
  }

  function refresh() {
    api("GET", "/supervision/bot-conversations")
      .then(function (rows) {
        renderList(rows);
        live.textContent = rows.length + " bot conversation" + (rows.length === 1 ? "" : "s") + " \u00b7 updated " + new Date().toLocaleTimeString();
      })
      .catch(function (e) { live.textContent = "Could not load the list: " + e.message; });
  }

  function bubble(m) {
    if (shown[m.seq]) { return; }
    shown[m.seq] = true;
    var li = document.createElement("li");
    li.className = "chat-msg chat-msg-" + m.author_kind + (m.visibility === "internal" ? " chat-msg-internal" : "");
    var meta = document.createElement("p");
    meta.className = "chat-meta";
    meta.textContent = (m.author_name || m.author_kind) + " \u00b7 " + new Date(m.created_at).toLocaleTimeString() +
      (m.visibility === "internal" ? " \u00b7 note" : "");
    var body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = m.body;
    li.appendChild(meta); li.appendChild(body);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    if (current && m.seq > current.last_seq) { current.last_seq = m.seq; }
  }

  function showState(c) {
    document.getElementById("sv-ref").textContent = c.reference;
    document.getElementById("sv-customer").textContent = c.customer.name || "Visitor";
    document.getElementById("sv-lang").textContent = c.language ? "language " + c.language : "language not known yet";
    var held = c.bot_active && !c.assignee && c.status !== "resolved";
    take.hidden = !held;
    openLink.hidden = held;
    if (!held && doneLine.hidden) {
      show(doneLine, c.assignee ? "Now handled by " + c.assignee.name + "." : "The bot no longer holds this conversation.");
    }
  }

  function open(id) {
    if (ws && ws.readyState === WebSocket.OPEN && current && current.id !== id) {
      ws.send(JSON.stringify({ type: "unsubscribe", conversation_id: current.id }));
    }
    current = { id: id, last_seq: 0 };
    shown = {};
    log.textContent = "";
    show(errorLine, "");
    show(doneLine, "");
    Array.prototype.forEach.call(list.querySelectorAll(".cv-item"), function (b) {
      if (b.getAttribute("data-id") === id) { b.setAttribute("aria-current", "true"); } else { b.removeAttribute("aria-current"); }
    });
    api("GET", "/conversations/" + encodeURIComponent(id))
      .then(function (d) {
        if (!current || current.id !== id) { return; }
        hint.hidden = true;
        room.hidden = false;
        d.messages.forEach(bubble);
        showState(d.conversation);
        subscribe();
      })
      .catch(function (e) { show(errorLine, e.message); });
  }

  function subscribe() {
    if (current && ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: "subscribe", conversation_id: current.id, last_seq: current.last_seq }));
    }
  }

  take.addEventListener("click", function () {
    if (!current) { return; }
    take.disabled = true;
    api("POST", "/supervision/bot-conversations/" + encodeURIComponent(current.id) + "/take-over")
      .then(function (c) {
        show(errorLine, "");
        show(doneLine, "You have taken over " + c.reference + ". The customer was told a person joined.");
        showState(c);
        refresh();
      })
      .catch(function (e) { show(errorLine, e.message); refresh(); })
      .then(function () { take.disabled = false; });
  });

  function onFrame(f) {
    if (f.type === "ready") { retryDelay = 1000; subscribe(); }
    else if (f.type === "message" && current && f.message.conversation_id === current.id) { bubble(f.message); }
    else if (f.type === "conversation" && current && f.conversation.id === current.id) { showState(f.conversation); }
  }

  function connect() {
    ws = window.trustdesk.agentSocket(function (s) { return ws === s; }, onFrame, function (e) {
      ws = null;
      if (e.code === 4401) { live.textContent = "Signed out: reload the page to sign in again."; return; }
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  refresh();
  window.setInterval(refresh, REFRESH_MS);
  window.setInterval(function () { if (ws && ws.readyState === WebSocket.OPEN) { ws.send('{"type":"ping"}'); } }, 25000);
  connect();
})();
