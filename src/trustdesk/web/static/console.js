// Agent console for conversations: the queue, one open conversation, live over the agent WebSocket.
// HTTP calls use the session cookie plus the CSRF header; messages go over the socket with a
// client_msg_id (a retry never duplicates) and arrive in seq order with catch-up after reconnects.
(function () {
  "use strict";
  var root = document.getElementById("cv");
  if (!root) { return; }
  var me = parseInt(root.getAttribute("data-user-id"), 10);
  var languageNames = JSON.parse(root.getAttribute("data-language-names") || "{}");
  var $ = function (id) { return document.getElementById(id); };

  var list = $("cv-list"), listEmpty = $("cv-list-empty"), live = $("cv-live");
  var openPane = $("cv-open"), nonePane = $("cv-none"), log = $("cv-log");
  var input = $("cv-input"), internal = $("cv-internal"), canned = $("cv-canned");
  var blockedBox = $("cv-blocked"), sendError = $("cv-send-error"), actionError = $("cv-action-error");

  var view = "new";
  var sort = "activity";    // or "due": SLA due time first
  var searching = "";       // the search's query string ("q=...&status=..."), "" for the queue
  var current = null;       // conversation dict (staff view)
  var lastSeq = 0;
  var shown = {};
  var pending = {};         // client_msg_id -> {body, internal}
  var unread = {};          // conversation id -> true
  var known = {};           // conversation ids already seen (to announce only new ones)
  var ws = null, retryDelay = 1000, queueTimer = null, reconnectTimer = null;
  var cannedReplies = [];

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  var api = window.trustdesk.api;

  function show(el, text) { el.textContent = text || ""; el.hidden = !text; }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || seconds < 0) { return "\u2013"; }
    seconds = Math.floor(seconds);
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + "h " : "") + (h || m ? m + "m " : "") + s + "s";
  }

  // "German (de)"; the code alone for one the page does not know.
  function languageLabel(code) { return languageNames[code] ? languageNames[code] + " (" + code + ")" : code; }

  function since(iso) { return iso ? (Date.now() - new Date(iso).getTime()) / 1000 : null; }

  // --- queue ------------------------------------------------------------------------------

  var QUEUE_PAGE = 50, oldestShown = null, more = $("cv-more");

  function renderQueue(rows, append) {
    if (!append) { list.textContent = ""; }
    listEmpty.hidden = rows.length > 0 || list.children.length > 0;
    // A full page means there may be older conversations: offer them (cursor: last activity).
    more.hidden = rows.length < QUEUE_PAGE || (sort === "due" && !searching);
    // A search pages by its hits' times; the queue by last activity.
    if (rows.length) { var last = rows[rows.length - 1]; oldestShown = last.match ? last.match.created_at : last.last_message_at; }
    rows.forEach(function (c) {
      var status = document.createElement("span");
      status.className = "pill";
      status.textContent = c.status;
      var b = window.trustdesk.conversationItem(c, current && current.id, status,
        c.reference + " \u00b7 " + (c.subject || c.channel) + (c.assignee ? " \u00b7 " + c.assignee.name : " \u00b7 unassigned"));
      if (unread[c.id]) { b.className += " cv-item-unread"; }
      var badges = slaBadges(c);
      if (badges) { b.appendChild(badges); }
      if (c.match) { b.appendChild(snippet(c.match)); }
      if (!c.first_response_at && c.status !== "resolved") {
        var wait = document.createElement("span");
        wait.className = "cv-item-sub cv-wait";
        wait.setAttribute("data-since", c.created_at);
        wait.textContent = "Waiting for a first response " + duration(since(c.created_at));
        b.appendChild(wait);
      }
      known[c.id] = true;
      if (unread[c.id]) {
        var sr = document.createElement("span");
        sr.className = "sr-only";
        sr.textContent = " (new activity)";
        b.appendChild(sr);
      }
      b.addEventListener("click", function () { openConversation(c.id); });
      list.appendChild(b.parentNode);
    });
  }

  // --- priorities, tags and SLA ------------------------------------------------------------------

  function slaText(sla) {
    if (!sla || sla.level === "none" || !sla.due_at) { return null; }
    var what = { first_response: "first response", next_response: "next response", resolution: "resolution" }[sla.target] || sla.target;
    var left = sla.business_seconds_left;
    if (sla.level === "breached") { return "SLA breached: " + what + " overdue by " + duration(-left) + " business time"; }
    return (sla.level === "near" ? "SLA near breach: " : "SLA: ") + what + " due in " + duration(left) + " business time";
  }

  function pill(cls, text) {
    var el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    return el;
  }

  function slaBadges(c) {
    var wrap = document.createElement("span");
    wrap.className = "cv-badges";
    if (c.language) {
      // The customer's language, in the queue: who should take it, which canned replies fit.
      var lang = pill("tag-pill cv-lang", "");
      var said = pill("sr-only", "Language: ");
      lang.appendChild(said);
      lang.appendChild(document.createTextNode(c.language));
      lang.title = "Language: " + languageLabel(c.language);
      lang.setAttribute("data-language", c.language);
      wrap.appendChild(lang);
    }
    if (c.sla && c.sla.level && c.sla.level !== "none" && c.status !== "resolved") {
      var label = { breached: "SLA breached", near: "SLA near", ok: "SLA ok" }[c.sla.level];
      var b = pill("sla-pill sla-" + c.sla.level, label);
      b.setAttribute("data-sla", c.sla.level);
      b.title = slaText(c.sla) || "";
      wrap.appendChild(b);
    }
    if (c.priority && c.priority !== "normal") { wrap.appendChild(pill("sla-pill prio-" + c.priority, c.priority)); }
    (c.tags || []).forEach(function (t) { wrap.appendChild(pill("tag-pill", "#" + t)); });
    return wrap.children.length ? wrap : null;
  }

  function renderLabels() {
    var line = $("cv-sla"), text = current ? slaText(current.sla) : null;
    line.textContent = text || "";
    line.hidden = !text;
    line.className = "small cv-sla-line" + (current && current.sla ? " sla-text-" + current.sla.level : "");
    if (!current) { return; }
    $("cv-priority").value = current.priority || "normal";
    if (document.activeElement !== $("cv-tags")) { $("cv-tags").value = (current.tags || []).join(", "); }
  }

  $("cv-labels").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) { return; }
    show(actionError, ""); show($("cv-labels-ok"), "");
    var tags = $("cv-tags").value.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
    api("POST", "/conversations/" + encodeURIComponent(current.id) + "/labels", { priority: $("cv-priority").value, tags: tags })
      .then(function (conv) {
        current = conv;
        $("cv-tags").value = (conv.tags || []).join(", ");
        renderHeader();
        show($("cv-labels-ok"), "Labels saved.");
        refreshQueueSoon();
        loadTags();
      })
      .catch(function (e) { show(actionError, "Labels not saved: " + e.message); });
  });

  function loadTags() {
    api("GET", "/tags").then(function (tags) {
      var dl = $("cv-tag-list");
      dl.textContent = "";
      tags.forEach(function (t) { var o = document.createElement("option"); o.value = t.name; dl.appendChild(o); });
    }).catch(function () { /* suggestions only */ });
  }

  document.querySelectorAll(".cv-sort button").forEach(function (b) {
    b.addEventListener("click", function () {
      sort = b.getAttribute("data-sort");
      document.querySelectorAll(".cv-sort button").forEach(function (o) { o.setAttribute("aria-pressed", String(o === b)); });
      loadQueue();
    });
  });

  function listPath() {
    return "/conversations?" + (searching || "view=" + view + "&sort=" + sort) + "&limit=" + QUEUE_PAGE;
  }

  function loadQueue() {
    return api("GET", listPath()).then(function (rows) {
      renderQueue(rows, false);
      if (searching) { announce(rows.length === 0 ? "No conversation matches" : rows.length === 1 ? "1 conversation found" : rows.length + (rows.length === QUEUE_PAGE ? " or more" : "") + " conversations found"); }
    }).catch(function (e) {
      if (searching) { show(searchError, "Search failed: " + e.message); return; }
      show(actionError, "Could not load the queue: " + e.message);
    });
  }

  more.addEventListener("click", function () {
    if (!oldestShown) { return; }
    var path = listPath() + "&before=" + encodeURIComponent(oldestShown);
    api("GET", path).then(function (rows) { renderQueue(rows, true); }).catch(function (e) {
      show(actionError, "Could not load older conversations: " + e.message);
    });
  });

  function refreshQueueSoon() {
    window.clearTimeout(queueTimer);
    queueTimer = window.setTimeout(loadQueue, 250);
  }

  document.querySelectorAll(".cv-filters button[data-view]").forEach(function (b) {
    b.addEventListener("click", function () {
      view = b.getAttribute("data-view");
      endSearch();
      document.querySelectorAll(".cv-filters button[data-view]").forEach(function (o) { o.setAttribute("aria-pressed", String(o === b)); });
      loadQueue();
    });
  });

  // --- search ---------------------------------------------------------------------------------
  // The same list, asked with q and filters; hits come with a snippet whose found words are <mark>ed
  // (built as text nodes: message text is never parsed as HTML).

  var searchForm = $("cv-search"), searchError = $("cv-search-error"), searchClear = $("cv-search-clear");

  function announce(text) { $("cv-announce").textContent = text; }

  function snippet(match) {
    var p = document.createElement("span");
    p.className = "cv-item-sub cv-snippet";
    match.snippet.forEach(function (part) {
      var node = document.createTextNode(part.text);
      if (part.hit) { var m = document.createElement("mark"); m.appendChild(node); p.appendChild(m); }
      else { p.appendChild(node); }
    });
    return p;
  }

  function nextDay(date) {
    var d = new Date(date + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  function searchQuery() {
    var params = new URLSearchParams();
    new FormData(searchForm).forEach(function (value, key) {
      value = String(value).trim();
      if (!value) { return; }
      // Dates are whole days in UTC; "until" includes its day.
      if (key === "since") { value = value + "T00:00:00Z"; }
      if (key === "until") { value = nextDay(value) + "T00:00:00Z"; }
      params.append(key, value);
    });
    return params.toString();
  }

  function endSearch() {
    searching = "";
    searchClear.hidden = true;
    show(searchError, "");
  }

  searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    show(searchError, "");
    var query = searchQuery();
    if (!query) { show(searchError, "Type a word or choose a filter to search."); $("cv-q").focus(); return; }
    searching = query;
    searchClear.hidden = false;
    document.querySelectorAll(".cv-filters button").forEach(function (o) { o.setAttribute("aria-pressed", "false"); });
    loadQueue();
  });

  searchClear.addEventListener("click", function () {
    searchForm.reset();
    endSearch();
    document.querySelectorAll(".cv-filters button").forEach(function (o) { o.setAttribute("aria-pressed", String(o.getAttribute("data-view") === view)); });
    loadQueue();
    announce("Search cleared: showing the queue");
    $("cv-q").focus();
  });

  // --- conversation ---------------------------------------------------------------------------

  function authorLabel(m) {
    var wrap = document.createElement("span");
    wrap.className = "chat-author";
    var tag = document.createElement("span");
    tag.className = "chat-tag";
    if (m.author_kind === "customer") {
      wrap.textContent = (m.author_name || "Customer") + " ";
      tag.textContent = "Customer";
    } else if (m.author_kind === "agent") {
      wrap.textContent = (m.author_name || "Agent") + " ";
      tag.className += " chat-tag-agent";
      tag.textContent = "Agent" + (m.agent_number ? " \u00b7 " + m.agent_number : "");
    } else if (m.author_kind === "bot") {
      wrap.textContent = "Assistant ";
      tag.className += " chat-tag-bot";
      tag.textContent = "Automated";
    } else {
      wrap.textContent = "System notice to the customer ";
    }
    if (tag.textContent) { wrap.appendChild(tag); }
    if (m.visibility === "internal") {
      var note = document.createElement("span");
      note.className = "chat-tag chat-tag-note";
      note.textContent = "Internal note";
      wrap.appendChild(note);
    }
    return wrap;
  }

  function addMessage(m) {
    if (!current || m.conversation_id !== current.id || shown[m.seq]) { return; }
    shown[m.seq] = true;
    if (m.seq > lastSeq) { lastSeq = m.seq; }
    var li = document.createElement("li");
    li.className = "chat-msg chat-msg-" + m.author_kind + (m.visibility === "internal" ? " chat-msg-internal" : "");
    li.setAttribute("data-seq", String(m.seq));
    var meta = document.createElement("p");
    meta.className = "chat-meta";
    meta.appendChild(authorLabel(m));
    var t = document.createElement("time");
    t.dateTime = m.created_at || "";
    t.textContent = " " + (m.created_at ? new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "");
    meta.appendChild(t);
    var body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = m.body;
    li.appendChild(meta); li.appendChild(body);
    if (m.mail) { li.appendChild(mailLine(m.mail)); }
    if (m.guard && m.guard.length) {
      var g = document.createElement("p");
      g.className = "chat-meta cv-guard-line";
      g.textContent = "Guard removed: " + m.guard.map(function (f) { return f.display || f.type; }).join(", ");
      li.appendChild(g);
      addNotice("redacted", "Message " + m.seq + " (" + m.author_kind + "): removed " + m.guard.map(function (f) { return f.display || f.type; }).join(", "));
    }
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  // E-mail: how the message travelled, its SPF/DKIM/DMARC verdict and attachments (downloads only).
  var MAIL_PILL = { pass: "genuine", spoofed: "not_from_us", impersonation: "not_from_us", fail: "not_from_us" };
  var MAIL_TEXT = {
    pass: "Sender authenticated (DMARC pass)",
    spoofed: "Warning: claims to come from this retailer's own domain but fails authentication. Treat as forged.",
    impersonation: "Warning: the sender's name pretends to be someone else. Treat as an impersonation attempt.",
    fail: "Sender authentication failed (DMARC fail): the From address may be forged",
    temperror: "Sender could not be checked (DNS error)",
    partial: "Sender partly authenticated (no DMARC pass)",
    none: "Sender not authenticated",
    unchecked: "Sender authentication not checked"
  };

  function mailLine(mail) {
    var p = document.createElement("p");
    p.className = "chat-meta cv-mail-line";
    if (mail.direction === "outbound") {
      p.textContent = "E-mailed to " + mail.to + (mail.status === "sent" ? "" : " (" + mail.status + ")");
      return p;
    }
    var pill = document.createElement("span");
    pill.className = "pill pill-" + (MAIL_PILL[mail.verdict] || "cannot_tell");
    pill.textContent = "E-mail: " + mail.verdict;
    pill.title = ((mail.auth && mail.auth.reasons) || []).join("\n");
    p.appendChild(pill);
    var auth = mail.auth ? " \u00b7 SPF " + mail.auth.spf + ", DKIM " + mail.auth.dkim + ", DMARC " + mail.auth.dmarc : "";
    var why = mail.impersonation ? " (" + mail.impersonation + ")" : "";
    p.appendChild(document.createTextNode(" " + (MAIL_TEXT[mail.verdict] || "") + why + " \u00b7 from " + mail.from + auth));
    (mail.attachments || []).forEach(function (a) {
      p.appendChild(document.createElement("br"));
      if (a.url) {
        var link = document.createElement("a");
        link.href = a.url;
        link.setAttribute("download", "");
        link.textContent = "Download " + a.filename + " (" + Math.max(1, Math.round(a.size / 1024)) + " KB)";
        p.appendChild(link);
      } else {
        p.appendChild(document.createTextNode(a.filename + " was not kept: " + (a.refused || "refused")));
      }
    });
    return p;
  }

  function addNotice(kind, text) {
    var notices = $("cv-notices");
    var li = document.createElement("li");
    li.className = "cv-notice-" + kind;
    li.textContent = (kind === "blocked" ? "Blocked: " : "Redacted: ") + text;
    notices.appendChild(li);
  }

  function renderHeader() {
    if (!current) { return; }
    $("cv-conv-title").textContent = (current.customer.name || "Visitor") + " \u00b7 " + current.reference;
    $("cv-status").textContent = current.status;
    $("cv-status").className = "pill pill-" + current.status;
    $("cv-assignee").textContent = current.assignee
      ? "Assigned to " + current.assignee.name + (current.assignee.agent_number ? " (" + current.assignee.agent_number + ")" : "")
      : "Unassigned";
    var mine = current.assignee && current.assignee.id === me;
    $("cv-claim").hidden = !!mine || current.status === "resolved";
    $("cv-resolve").hidden = current.status === "resolved";
    $("cv-reopen").hidden = current.status !== "resolved";
    renderLabels();
    renderLanguage();
    tickTimers();
  }

  // --- the conversation's language ------------------------------------------------------------
  // Shown, and settable to one of the retailer's languages (the API refuses any other, and audits
  // the change); the bot and the mail the desk sends answer in it from then on.

  function renderLanguage() {
    if (!current) { return; }
    var code = current.language, select = $("cv-language");
    $("cv-language-now").textContent = code
      ? "Language: " + languageLabel(code) + (select.querySelector('option[value="' + code + '"]') ? "" : ": a language this retailer does not offer")
      : "Language not known yet (the retailer's default is used).";
    if (code && document.activeElement !== select && select.querySelector('option[value="' + code + '"]')) { select.value = code; }
  }

  $("cv-language-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) { return; }
    var wanted = $("cv-language").value;
    show(actionError, ""); show($("cv-language-ok"), "");
    if (wanted === current.language) { show($("cv-language-ok"), "The conversation is already in " + languageLabel(wanted) + "."); return; }
    api("POST", "/conversations/" + encodeURIComponent(current.id) + "/language", { language: wanted })
      .then(function (conv) {
        current = conv;
        renderHeader();
        show($("cv-language-ok"), "Language set to " + languageLabel(conv.language) + ": the bot and e-mails use it from now on.");
        refreshQueueSoon();
        loadCanned();
      })
      .catch(function (e) { show(actionError, "Language not changed: " + e.message); });
  });

  function tickTimers() {
    document.querySelectorAll(".cv-wait").forEach(function (el) {
      el.textContent = "Waiting for a first response " + duration(since(el.getAttribute("data-since")));
    });
    if (!current) { return; }
    var first = current.first_response_at
      ? duration((new Date(current.first_response_at) - new Date(current.created_at)) / 1000)
      : "waiting " + duration(since(current.created_at));
    var res = current.resolved_at
      ? duration((new Date(current.resolved_at) - new Date(current.created_at)) / 1000)
      : "open " + duration(since(current.created_at));
    $("cv-t-first").textContent = first;
    $("cv-t-res").textContent = res;
  }
  window.setInterval(tickTimers, 1000);

  function renderSide(detail) {
    var c = detail.conversation.customer;
    var box = $("cv-customer");
    box.className = "small";
    box.textContent = "";
    var dl = document.createElement("dl");
    dl.className = "facts";
    function row(k, v) {
      var dt = document.createElement("dt"); dt.textContent = k;
      var dd = document.createElement("dd"); dd.textContent = v;
      dl.appendChild(dt); dl.appendChild(dd);
    }
    row("Name", c.name || "\u2013");
    row("E-mail", c.email || "\u2013");
    row("Identity", c.verified ? "Signed in (verified)" : "Anonymous: not verified");
    if (detail.customer_profile && detail.customer_profile.phone) { row("Phone", detail.customer_profile.phone); }
    box.appendChild(dl);
    if (!c.verified && detail.possible_customer_matches) {
      var warn = document.createElement("p");
      warn.className = "notice notice-warn small";
      warn.textContent = detail.possible_customer_matches + " customer record(s) use this e-mail, but the visitor has not proved it. Do not share account details.";
      box.appendChild(warn);
    }
    var orders = $("cv-orders");
    orders.textContent = "";
    var profile = detail.customer_profile;
    if (!profile || !profile.orders.length) {
      orders.className = "small cv-empty";
      orders.textContent = profile ? "No orders." : "Only shown for signed-in customers.";
    } else {
      orders.className = "small";
      var ul = document.createElement("ul");
      ul.className = "link-list";
      profile.orders.forEach(function (o) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "/console/orders/" + encodeURIComponent(o.number);
        a.textContent = o.number;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" \u00b7 " + o.status + " \u00b7 " + (o.total_cents / 100).toFixed(2) + " " + o.currency));
        ul.appendChild(li);
      });
      orders.appendChild(ul);
    }
    $("cv-notices").textContent = "";
    (detail.guard_notices.blocked || []).forEach(function (b) {
      addNotice("blocked", (b.reasons || []).join(" ") + " (" + b.actor + ")");
    });
  }

  function openConversation(id) {
    if (ws && ws.readyState === WebSocket.OPEN && current && current.id !== id) {
      ws.send(JSON.stringify({ type: "unsubscribe", conversation_id: current.id }));
    }
    show(actionError, ""); show(sendError, ""); blockedBox.hidden = true;
    return api("GET", "/conversations/" + encodeURIComponent(id)).then(function (detail) {
      current = detail.conversation;
      lastSeq = 0; shown = {}; pending = {};
      delete unread[id];
      log.textContent = "";
      nonePane.hidden = true; openPane.hidden = false;
      renderSide(detail);
      detail.messages.forEach(addMessage);
      renderHeader();
      subscribe();
      show($("cv-canned-note"), ""); show($("cv-language-ok"), "");
      loadCanned();
      document.querySelectorAll(".cv-item").forEach(function (b) {
        if (b.getAttribute("data-id") === id) { b.setAttribute("aria-current", "true"); b.classList.remove("cv-item-unread"); }
        else { b.removeAttribute("aria-current"); }
      });
      $("cv-conv-title").focus();
    }).catch(function (e) { show(actionError, "Could not open the conversation: " + e.message); });
  }

  function subscribe() {
    if (current && ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: "subscribe", conversation_id: current.id, last_seq: lastSeq }));
    }
  }

  function act(path, body) {
    if (!current) { return; }
    show(actionError, "");
    api("POST", "/conversations/" + encodeURIComponent(current.id) + path, body).then(function (conv) {
      current = conv;
      renderHeader();
      refreshQueueSoon();
    }).catch(function (e) { show(actionError, e.message); });
  }

  $("cv-claim").addEventListener("click", function () { act("/claim"); });
  $("cv-resolve").addEventListener("click", function () { act("/resolve"); });
  $("cv-reopen").addEventListener("click", function () { act("/reopen"); });
  $("cv-assign").addEventListener("click", function () {
    var v = $("cv-transfer").value;
    if (!v) { show(actionError, "Choose who should take the conversation."); $("cv-transfer").focus(); return; }
    act("/assign", { user_id: v === "none" ? null : parseInt(v, 10) });
  });

  // --- sending --------------------------------------------------------------------------------

  function trySend(id) {
    var p = pending[id];
    if (!p || !current) { return; }
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      show(sendError, "Not connected; your message will be sent when the connection is back.");
      return;
    }
    ws.send(JSON.stringify({ type: "send", conversation_id: p.conversation_id, client_msg_id: id, body: p.body, internal: p.internal }));
  }

  $("cv-compose").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !current) { return; }
    var id = newId();
    pending[id] = { body: text, internal: internal.checked, conversation_id: current.id };
    blockedBox.hidden = true;
    show(sendError, "");
    $("cv-send").disabled = true;
    trySend(id);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); $("cv-compose").requestSubmit(); }
  });

  function showBlocked(frame) {
    blockedBox.textContent = "";
    var h = document.createElement("h3");
    h.textContent = "Not sent: the guard blocked this message";
    var p = document.createElement("p");
    p.textContent = "Customers are told we never ask for these. Rephrase without asking for the secret.";
    var ul = document.createElement("ul");
    (frame.reasons && frame.reasons.length ? frame.reasons : [frame.message]).forEach(function (r) {
      var li = document.createElement("li"); li.textContent = r; ul.appendChild(li);
    });
    blockedBox.appendChild(h); blockedBox.appendChild(ul); blockedBox.appendChild(p);
    blockedBox.hidden = false;
    addNotice("blocked", (frame.reasons || [frame.message]).join(" ") + " (you, just now)");
    input.focus();
  }

  function onFrame(f) {
    switch (f.type) {
      case "ready":
        retryDelay = 1000;
        live.textContent = "Live \u00b7 signed in as " + f.user.name + (f.user.agent_number ? " (" + f.user.agent_number + ")" : "");
        subscribe();
        Object.keys(pending).forEach(trySend);
        loadQueue();
        break;
      case "message":
        addMessage(f.message);
        break;
      case "ack":
        if (pending[f.client_msg_id]) {
          delete pending[f.client_msg_id];
          input.value = "";
          internal.checked = false;
          $("cv-send").disabled = false;
        }
        break;
      case "error":
        if (f.client_msg_id && pending[f.client_msg_id]) {
          delete pending[f.client_msg_id];
          $("cv-send").disabled = false;
          if (f.code === "message_blocked") { showBlocked(f); }
          else if (f.code === "rate_limited") { show(sendError, "Too many messages; try again in " + f.retry_after + " seconds."); }
          else { show(sendError, f.message); }
        } else {
          show(actionError, f.message);
        }
        break;
      case "conversation":
        if (current && f.conversation.id === current.id) {
          // Bus summaries carry no tags or SLA state: keep what the API gave until the next read.
          f.conversation.tags = f.conversation.tags || current.tags;
          f.conversation.sla = f.conversation.sla || current.sla;
          var spoke = current.language;
          current = f.conversation; renderHeader();
          // The customer's language became known or changed: offer the canned replies in it.
          if (current.language !== spoke) { loadCanned(); }
        }
        if (f.conversation.sla_escalation) {
          $("cv-announce").textContent = "SLA breached: " + f.conversation.reference + (f.conversation.sla_escalation.reassigned_to ? ", reassigned" : "");
        }
        if (!known[f.conversation.id] && f.conversation.status === "new") {
          known[f.conversation.id] = true;
          $("cv-announce").textContent = "New conversation from " + (f.conversation.customer.name || "a visitor") + ", " + f.conversation.reference;
        }
        refreshQueueSoon();
        break;
      case "activity":
        unread[f.conversation_id] = true;
        refreshQueueSoon();
        break;
      case "resync":
        refreshQueueSoon();
        break;
      default:
        break;
    }
  }

  function connect() {
    ws = window.trustdesk.agentSocket(function (s) { return ws === s; }, onFrame, function (e) {
      ws = null;
      if (e.code === 4401) { live.textContent = "Signed out: reload the page to sign in again."; return; }
      live.textContent = "Connection lost. Reconnecting\u2026";
      reconnectTimer = window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }
  window.setInterval(function () { if (ws && ws.readyState === WebSocket.OPEN) { ws.send('{"type":"ping"}'); } }, 25000);
  // The browser knows about a lost network before the socket does: reconnect promptly.
  window.addEventListener("offline", function () { if (ws) { ws.close(); } });
  window.addEventListener("online", function () {
    retryDelay = 1000;
    if (!ws) { window.clearTimeout(reconnectTimer); connect(); }
  });

  // --- canned replies ---------------------------------------------------------------------------

  // Each answer once, in the open conversation's language; a version in another language (the
  // retailer's default) is marked, and inserting it says so, so the agent can translate it.
  var cannedAll = [];       // every language version (for editing and "translation of")

  function loadCanned() {
    if (!current) { return; }
    var id = current.id;
    api("GET", "/conversations/" + encodeURIComponent(id) + "/canned-replies").then(function (rows) {
      if (!current || current.id !== id) { return; }
      cannedReplies = rows;
      while (canned.options.length > 1) { canned.remove(1); }
      rows.forEach(function (r, index) {
        var o = document.createElement("option");
        o.value = String(index);
        o.textContent = "/" + r.shortcut + (r.title && r.title !== r.shortcut ? " \u2013 " + r.title : "") +
          " [" + r.language + (r.fallback ? ", no " + r.wanted + " version" : "") + "]";
        canned.appendChild(o);
      });
    }).catch(function () { /* no canned replies: the select stays empty */ });
  }

  function loadCannedVersions() {
    return api("GET", "/canned-replies").then(function (rows) {
      cannedAll = rows;
      var of = $("cv-canned-of"), seen = {};
      while (of.options.length > 1) { of.remove(1); }
      rows.forEach(function (r) {
        if (seen[r.group_key]) { seen[r.group_key].textContent += ", " + r.language; return; }
        var o = document.createElement("option");
        o.value = String(r.id);
        o.textContent = "/" + r.shortcut + " (" + r.language;
        o.setAttribute("data-group", r.group_key);
        seen[r.group_key] = o;
        of.appendChild(o);
      });
      Object.keys(seen).forEach(function (k) { seen[k].textContent += ")"; });
    }).catch(function () { /* the form still saves new answers */ });
  }
  loadCannedVersions();

  canned.addEventListener("change", function () {
    var r = cannedReplies[parseInt(canned.value, 10)];
    if (!r) { return; }
    input.value = input.value ? input.value + "\n" + r.body : r.body;
    show($("cv-canned-note"), r.fallback
      ? "/" + r.shortcut + " has no version in the conversation's language (" + r.wanted + "): the " +
        r.language + " text (the retailer's default) was inserted. Translate it before sending, or save a " +
        r.wanted + " version."
      : "");
    input.focus();
  });

  function resetCannedForm() {
    $("cv-canned-id").value = ""; $("cv-canned-of").value = "";
    $("cv-canned-shortcut").value = ""; $("cv-canned-title").value = ""; $("cv-canned-body").value = "";
    $("cv-canned-shortcut").disabled = false; $("cv-canned-of").disabled = false;
    $("cv-canned-summary").textContent = "Save a canned reply";
    $("cv-canned-save").textContent = "Save";
    $("cv-canned-cancel").hidden = true;
  }

  $("cv-canned-edit").addEventListener("click", function () {
    var r = cannedReplies[parseInt(canned.value, 10)];
    if (!r) { show($("cv-canned-note"), "Choose a canned reply in the list first, then Edit."); return; }
    canned.value = "";
    $("cv-canned-id").value = String(r.id);
    $("cv-canned-language").value = r.language;
    $("cv-canned-of").value = ""; $("cv-canned-of").disabled = true;
    $("cv-canned-shortcut").value = r.shortcut;
    $("cv-canned-title").value = r.title;
    $("cv-canned-body").value = r.body;
    $("cv-canned-summary").textContent = "Edit /" + r.shortcut + " (" + r.language + ")";
    $("cv-canned-save").textContent = "Save changes";
    $("cv-canned-cancel").hidden = false;
    document.querySelector(".cv-canned-new").open = true;
    $("cv-canned-body").focus();
  });
  $("cv-canned-cancel").addEventListener("click", resetCannedForm);

  $("cv-canned-of").addEventListener("change", function () {
    // A translation keeps its answer's shortcut.
    var chosen = this.value ? cannedAll.filter(function (r) { return String(r.id) === this.value; }, this)[0] : null;
    $("cv-canned-shortcut").disabled = !!chosen;
    if (chosen) { $("cv-canned-shortcut").value = chosen.shortcut; }
  });

  document.querySelector(".cv-canned-new").addEventListener("toggle", function (e) {
    if (e.target.open && !$("cv-canned-body").value) { $("cv-canned-body").value = input.value; }
  });

  $("cv-canned-form").addEventListener("submit", function (event) {
    event.preventDefault();
    show($("cv-canned-error"), ""); show($("cv-canned-ok"), "");
    var editing = $("cv-canned-id").value;
    var of = $("cv-canned-of").value;
    var shortcut = $("cv-canned-shortcut").value.trim().replace(/^\//, "");
    var text = $("cv-canned-body").value.trim();
    if ((!shortcut && !of) || !text) { show($("cv-canned-error"), "A shortcut and the text are both needed."); return; }
    var body = { title: $("cv-canned-title").value.trim(), body: text, language: $("cv-canned-language").value };
    var call;
    if (editing) {
      body.shortcut = shortcut;
      call = api("PATCH", "/canned-replies/" + encodeURIComponent(editing), body);
    } else {
      if (of) { body.translation_of = parseInt(of, 10); } else { body.shortcut = shortcut; }
      call = api("POST", "/canned-replies", body);
    }
    call.then(function (r) {
      show($("cv-canned-ok"), (editing ? "Changed /" : "Saved as /") + r.shortcut + " (" + r.language + ").");
      resetCannedForm();
      loadCanned(); loadCannedVersions();
    }).catch(function (e) { show($("cv-canned-error"), "Not saved: " + e.message); });
  });

  // Clocks move without events: refresh the first page now and then (not once older pages are shown).
  window.setInterval(function () {
    if (!document.hidden && list.children.length <= QUEUE_PAGE) { loadQueue(); }
  }, 60000);

  loadQueue();
  loadTags();
  connect();
})();
