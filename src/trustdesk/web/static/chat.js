// Customer chat: start a conversation over JSON, then talk over the customer WebSocket.
// Every message has a sequence number: the page remembers the last one it showed and
// reconnects with it, so nothing is missed and nothing is shown twice. Sends carry a
// client_msg_id, so a retry after a lost connection never duplicates a message.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) { return; }
  var tenant = root.getAttribute("data-tenant");
  var tenantName = root.getAttribute("data-tenant-name");
  // The page's words in its language (templates/_chat_panel.html); English if they cannot be read.
  var words = {};
  try { words = JSON.parse(root.getAttribute("data-words") || "{}"); } catch (e) { words = {}; }
  var pageLang = root.getAttribute("data-lang") || document.documentElement.lang || undefined;

  // A word of the page's language with its {placeholders} filled.
  function say(key, fallback, values) {
    var text = typeof words[key] === "string" ? words[key] : fallback;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }
  var api = "/api/v1/public/" + encodeURIComponent(tenant) + "/chat/conversations";
  var storeKey = "trustdesk.chat." + tenant;

  var startForm = document.getElementById("chat-start");
  var startError = document.getElementById("chat-start-error");
  var room = document.getElementById("chat-room");
  var log = document.getElementById("chat-log");
  var stateLine = document.getElementById("chat-state");
  var errorLine = document.getElementById("chat-error");
  var sendForm = document.getElementById("chat-send");
  var input = document.getElementById("chat-input");
  var refLine = document.getElementById("chat-ref");
  var newButton = document.getElementById("chat-new");
  var agentLine = document.getElementById("chat-agent");

  var conv = null;          // {id, token, reference}
  var lastSeq = 0;          // highest seq shown
  var shown = {};           // seq -> true
  var pending = [];         // [{id, body, el, state}] sends not yet acknowledged
  var ws = null;
  var retryDelay = 1000;
  var reconnectTimer = null;
  var pingTimer = null;
  var closedByUs = false;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function save() {
    try {
      if (conv) {
        window.sessionStorage.setItem(storeKey, JSON.stringify({ id: conv.id, token: conv.token, reference: conv.reference }));
      } else {
        window.sessionStorage.removeItem(storeKey);
      }
    } catch (e) { /* storage can be blocked in a third-party frame: the chat still works until reload */ }
  }

  function load() {
    try {
      var raw = window.sessionStorage.getItem(storeKey);
      return raw ? JSON.parse(raw) : null;
    } catch (e) { return null; }
  }

  function setState(text, kind) {
    stateLine.textContent = text;
    stateLine.className = "chat-state" + (kind ? " chat-state-" + kind : "");
  }

  function showError(el, text) {
    el.textContent = text || "";
    el.hidden = !text;
  }

  function timeOf(iso) {
    if (!iso) { return ""; }
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleTimeString(pageLang ? [pageLang] : [], { hour: "2-digit", minute: "2-digit" });
  }

  function authorLabel(msg) {
    var wrap = document.createElement("span");
    wrap.className = "chat-author";
    if (msg.author_kind === "customer") {
      wrap.textContent = say("you", "You");
    } else if (msg.author_kind === "bot") {
      wrap.textContent = say("assistant", "{name} assistant", { name: tenantName }) + " ";
      var tag = document.createElement("span");
      tag.className = "chat-tag chat-tag-bot";
      tag.textContent = say("automated", "Automated");
      wrap.appendChild(tag);
    } else if (msg.author_kind === "agent") {
      wrap.textContent = (msg.author_name || say("agent", "Agent")) + " ";
      var badge = document.createElement("span");
      badge.className = "chat-tag chat-tag-agent";
      badge.textContent = "\u2713 " + say("verified_agent", "Verified {name} agent", { name: tenantName }) +
        (msg.agent_number ? " \u00b7 " + msg.agent_number : "");
      wrap.appendChild(badge);
    } else {
      wrap.textContent = say("system", "{name} (system notice)", { name: tenantName });
    }
    return wrap;
  }

  function bubble(msg, extraClass) {
    var li = document.createElement("li");
    li.className = "chat-msg chat-msg-" + msg.author_kind + (extraClass ? " " + extraClass : "");
    var meta = document.createElement("p");
    meta.className = "chat-meta";
    meta.appendChild(authorLabel(msg));
    var when = document.createElement("time");
    when.className = "chat-time";
    if (msg.created_at) { when.dateTime = msg.created_at; }
    when.textContent = timeOf(msg.created_at);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(when);
    if (msg.reference) {
      // The message's public reference: the customer can check it on the retailer's check page.
      li.title = say("reference_title", "Reference {reference}: check it at {url}",
        { reference: msg.reference, url: "/t/" + tenant + "/check" });
      var ref = document.createElement("span");
      ref.className = "chat-ref";
      ref.textContent = " · " + say("reference", "Ref {reference}", { reference: msg.reference });
      meta.appendChild(ref);
    }
    var body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = msg.body; // text only: never HTML
    li.appendChild(meta);
    li.appendChild(body);
    if (msg.seq) { li.setAttribute("data-seq", String(msg.seq)); }
    return li;
  }

  function showAgent(summary) {
    // Who is answering: the name and public agent number the desk vouches for.
    var agent = summary && summary.agent;
    // survey.js asks the satisfaction question once the chat is resolved.
    root.dispatchEvent(new CustomEvent("trustdesk:chat-status", {
      detail: { status: summary ? summary.status : null, id: conv ? conv.id : null, token: conv ? conv.token : null }
    }));
    if (summary && summary.status === "resolved") {
      agentLine.textContent = say("resolved", "This chat is marked resolved. Write again if you need more help.");
      agentLine.hidden = false;
    } else if (agent && agent.name) {
      var who = { agent: agent.name, number: agent.agent_number, name: tenantName };
      agentLine.textContent = "\u2713 " + (agent.agent_number
        ? say("handling_number", "{agent} (agent number {number}) from {name} is handling your chat.", who)
        : say("handling", "{agent} from {name} is handling your chat.", who));
      agentLine.hidden = false;
    } else {
      agentLine.textContent = "";
      agentLine.hidden = true;
    }
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function show(msg) {
    if (!msg || typeof msg.seq !== "number" || shown[msg.seq]) { return; }
    shown[msg.seq] = true;
    if (msg.seq > lastSeq) { lastSeq = msg.seq; }
    var li = bubble(msg, msg.author_kind === "system" ? "chat-notice" : "");
    if (msg.author_kind === "system") { li.setAttribute("role", "note"); }
    // Our own message replaces its "sending" placeholder.
    if (msg.client_msg_id) {
      for (var i = 0; i < pending.length; i++) {
        if (pending[i].id === msg.client_msg_id) {
          log.replaceChild(li, pending[i].el);
          pending.splice(i, 1);
          if (!pending.some(function (p) { return p.state === "failed"; })) { showError(errorLine, ""); }
          scrollDown();
          return;
        }
      }
    }
    // Keep seq order even if a placeholder sits at the end.
    var firstPending = pending.length ? pending[0].el : null;
    log.insertBefore(li, firstPending && firstPending.parentNode === log ? firstPending : null);
    scrollDown();
  }

  function markPending(p, state, text) {
    p.state = state;
    var status = p.el.querySelector(".chat-send-state");
    status.textContent = text;
    p.el.classList.toggle("chat-failed", state === "failed");
    var retry = p.el.querySelector("button");
    if (state === "failed" && !retry) {
      retry = document.createElement("button");
      retry.type = "button";
      retry.className = "linklike small";
      retry.textContent = say("retry", "Retry");
      retry.addEventListener("click", function () { transmit(p); });
      p.el.appendChild(retry);
    } else if (state !== "failed" && retry) {
      retry.remove();
    }
  }

  function transmit(p) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      markPending(p, "sending", say("sending", "Sending\u2026"));
      ws.send(JSON.stringify({ type: "send", client_msg_id: p.id, body: p.body }));
    } else {
      markPending(p, "queued", say("waiting", "Waiting for connection\u2026"));
    }
  }

  function queueSend(body) {
    var li = bubble({ author_kind: "customer", body: body, created_at: null }, "chat-pending");
    var status = document.createElement("p");
    status.className = "chat-send-state small";
    li.appendChild(status);
    log.appendChild(li);
    var p = { id: newId(), body: body, el: li, state: "new" };
    pending.push(p);
    scrollDown();
    transmit(p);
  }

  function findPending(id) {
    for (var i = 0; i < pending.length; i++) { if (pending[i].id === id) { return pending[i]; } }
    return null;
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "ready":
        retryDelay = 1000;
        setState(say("connected", "Connected"), "ok");
        showError(errorLine, "");
        pending.forEach(function (p) { if (p.state !== "failed") { transmit(p); } });
        break;
      case "message":
        show(frame.message);
        break;
      case "ack":
        // The message frame normally arrives first; if the ack wins, the message follows.
        var acked = findPending(frame.client_msg_id);
        if (acked) { markPending(acked, "sent", say("sent", "Sent")); }
        break;
      case "conversation":
        showAgent(frame.conversation);
        break;
      case "error":
        var failed = frame.client_msg_id ? findPending(frame.client_msg_id) : null;
        var text = (frame.localized && frame.localized.message) || frame.message || say("went_wrong", "Something went wrong.");
        if (frame.code === "rate_limited") {
          text = say("too_quick", "You are sending messages too quickly. Please try again in {seconds} s.",
            { seconds: Math.max(1, parseInt(frame.retry_after, 10) || 5) });
        } else if (frame.code === "message_too_long" || frame.code === "frame_too_large") {
          text = say("too_long", "That message is too long. Please shorten it (at most 5,000 characters).");
        }
        if (failed && frame.code === "rate_limited") {
          // Not refused, only early: try again by itself once the limit allows (same client_msg_id).
          var wait = Math.max(1, parseInt(frame.retry_after, 10) || 5);
          markPending(failed, "failed", say("held_back",
            "Held back: you are sending quickly. It will be sent automatically in {seconds} s.", { seconds: wait }));
          window.setTimeout(function () { if (failed.state === "failed" && findPending(failed.id)) { transmit(failed); } }, wait * 1000);
        } else if (failed) {
          markPending(failed, "failed", say("not_sent", "Not sent: {reason}", { reason: text }));
        }
        showError(errorLine, text);
        if (frame.code === "not_found") { forget(); }
        break;
      default:
        break;
    }
  }

  function connect() {
    if (!conv) { return; }
    window.clearTimeout(reconnectTimer);
    closedByUs = false;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + api + "/" + encodeURIComponent(conv.id) + "/ws";
    setState(say("connecting", "Connecting\u2026"), "info");
    var socket = new WebSocket(url);
    ws = socket;
    socket.addEventListener("open", function () {
      socket.send(JSON.stringify({ type: "hello", token: conv.token, last_seq: lastSeq, lang: pageLang || undefined }));
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (ws === socket) { onFrame(frame); }
    });
    socket.addEventListener("close", function () {
      if (ws !== socket) { return; }
      ws = null;
      pending.forEach(function (p) {
        if (p.state === "sending") { markPending(p, "queued", say("waiting", "Waiting for connection\u2026")); }
      });
      if (closedByUs || !conv) { return; }
      setState(say("lost", "Connection lost. Reconnecting\u2026"), "warn");
      reconnectTimer = window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  function reconnectNow() {
    if (conv && !ws) { retryDelay = 1000; connect(); }
  }
  window.addEventListener("online", reconnectNow);
  window.addEventListener("offline", function () {
    if (ws) { ws.close(); }
  });
  pingTimer = window.setInterval(function () {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify({ type: "ping" })); }
  }, 25000);

  function enterRoom() {
    startForm.hidden = true;
    room.hidden = false;
    refLine.textContent = conv.reference
      ? say("conversation_reference", "Conversation reference {reference}", { reference: conv.reference }) : "";
    input.focus();
  }

  function forget() {
    closedByUs = true;
    if (ws) { ws.close(); ws = null; }
    conv = null; lastSeq = 0; shown = {}; pending = [];
    log.textContent = "";
    showAgent(null);
    save();
    room.hidden = true;
    startForm.hidden = false;
    setState(say("not_connected", "Not connected"));
    var first = startForm.querySelector("input, textarea");
    if (first) { first.focus(); }
  }

  function headers(extra) {
    var h = { "Content-Type": "application/json", "Accept": "application/json" };
    // Errors come back in the page's language too (error.localized).
    if (pageLang) { h["Accept-Language"] = pageLang; }
    if (window.trustdeskCsrf) { h["X-CSRF-Token"] = window.trustdeskCsrf; }
    for (var k in extra || {}) { h[k] = extra[k]; }
    return h;
  }

  function errorText(status, data) {
    var err = data && data.error;
    if (status === 429) { return say("too_many_chats", "Too many chats started from here. Please wait a minute and try again."); }
    var tooLong = status === 413 || (status === 422 && err && (err.problems || []).some(function (p) {
      return /at most/.test(p.problem);
    }));
    if (tooLong) { return say("too_long", "That message is too long. Please shorten it (at most 5,000 characters)."); }
    if (err && err.localized && err.localized.message) { return err.localized.message; }
    if (err && err.message) { return err.message; }
    if (data && data.detail && data.detail[0] && data.detail[0].msg) { return data.detail[0].msg; }
    return say("could_not_start", "We could not start the chat. Please try again.");
  }

  startForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = document.getElementById("chat-first");
    var name = document.getElementById("chat-name");
    var email = document.getElementById("chat-email");
    var text = first.value.trim();
    if (!text) { showError(startError, say("write_question", "Please write your question.")); first.focus(); return; }
    var clientId = newId();
    var payload = { message: text, client_msg_id: clientId };
    // The page's language is the conversation's until the customer's own words say otherwise.
    if (pageLang) { payload.language = pageLang; }
    if (name && name.value.trim()) { payload.name = name.value.trim(); }
    if (email && email.value.trim()) { payload.email = email.value.trim(); }
    var button = startForm.querySelector("button[type=submit]");
    button.disabled = true;
    showError(startError, "");
    fetch(api, { method: "POST", headers: headers(), credentials: "same-origin", body: JSON.stringify(payload) })
      .then(function (r) { return r.json().catch(function () { return null; }).then(function (d) { return { status: r.status, data: d }; }); })
      .then(function (res) {
        button.disabled = false;
        if (res.status !== 201) { showError(startError, errorText(res.status, res.data)); first.focus(); return; }
        conv = { id: res.data.conversation.id, token: res.data.access_token, reference: res.data.conversation.reference };
        save();
        first.value = "";
        enterRoom();
        res.data.messages.forEach(show);
        showAgent(res.data.conversation);
        connect();
      })
      .catch(function () {
        button.disabled = false;
        showError(startError, say("unreachable", "We could not reach the chat service. Check your connection and try again."));
      });
  });

  sendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    if (text.length > 5000) {
      showError(errorLine, say("too_long", "That message is too long. Please shorten it (at most 5,000 characters)."));
      return;
    }
    showError(errorLine, "");
    input.value = "";
    queueSend(text);
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendForm.requestSubmit();
    }
  });

  newButton.addEventListener("click", forget);

  // Resume a conversation from this tab (reload, or the widget reopened).
  var saved = load();
  if (saved && saved.id && saved.token) {
    conv = saved;
    enterRoom();
    fetch(api + "/" + encodeURIComponent(conv.id) + "?after_seq=0&limit=1000", {
      headers: headers({ Authorization: "Bearer " + conv.token }), credentials: "same-origin"
    })
      .then(function (r) {
        if (r.status === 404) { forget(); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (data) { data.messages.forEach(show); showAgent(data.conversation); }
        if (conv) { connect(); }
      })
      .catch(function () { if (conv) { connect(); } });
  }
})();

// Inside the widget's frame, Escape asks the host page to close the panel.
(function () {
  "use strict";
  if (window.parent === window || !document.body.classList.contains("chat-embedded")) { return; }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { window.parent.postMessage({ type: "trustdesk-chat-close" }, "*"); }
  });
})();
