// Trustdesk chat launcher for a retailer's own site:
//   <script src="https://desk.example/widget.js" data-tenant="acme" async></script>
// Its words come from the desk in the retailer's languages (/t/{tenant}/chat/launcher.json): the
// host page's language (data-lang, else <html lang>) when the retailer offers it, else the visitor's
// browser languages. The chat frame opens in the same language.
// It adds one button; the chat itself runs in a frame served by the desk (/t/{tenant}/chat/embed),
// so the retailer's page never sees the conversation and the desk's strict CSP still applies inside.
// Styles are set through the CSSOM (element.style), which a host page's CSP does not block.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll("script[data-tenant][src*='widget.js']");
    script = all[all.length - 1];
  }
  if (!script) { return; }
  var tenant = (script.getAttribute("data-tenant") || "").toLowerCase();
  if (!/^[a-z0-9-]{1,63}$/.test(tenant)) { return; }
  var origin = new URL(script.src, window.location.href).origin;
  var ownLabel = script.getAttribute("data-label");
  var hostLang = script.getAttribute("data-lang") || document.documentElement.lang || "";
  var words = { lang: "", open: ownLabel || "Chat with us", close: "Close chat" };
  var label = words.open;
  var colour = /^#[0-9a-fA-F]{6}$/.test(script.getAttribute("data-color") || "") ? script.getAttribute("data-color") : "#1d4ed8";

  function css(el, rules) { for (var k in rules) { el.style[k] = rules[k]; } }

  function mount() {
    if (document.getElementById("trustdesk-chat-launcher")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.id = "trustdesk-chat-launcher";
    button.textContent = label;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "trustdesk-chat-panel");
    css(button, {
      position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483000", padding: "12px 18px",
      borderRadius: "999px", border: "0", background: colour, color: "#fff", font: "600 15px system-ui, sans-serif",
      boxShadow: "0 4px 14px rgba(0,0,0,.25)", cursor: "pointer"
    });

    var panel = document.createElement("div");
    panel.id = "trustdesk-chat-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", label);
    css(panel, {
      display: "none",
      position: "fixed", right: "20px", bottom: "76px", zIndex: "2147483000", width: "min(380px, calc(100vw - 40px))",
      height: "min(600px, calc(100vh - 110px))", borderRadius: "12px", overflow: "hidden",
      boxShadow: "0 10px 30px rgba(0,0,0,.3)", background: "#fff"
    });
    var frame = null;

    function open() {
      if (!frame) {
        frame = document.createElement("iframe");
        frame.src = origin + "/t/" + encodeURIComponent(tenant) + "/chat/embed" +
          (words.lang ? "?lang=" + encodeURIComponent(words.lang) : "");
        frame.title = label;
        css(frame, { width: "100%", height: "100%", border: "0", display: "block" });
        panel.appendChild(frame);
      }
      panel.style.display = "block";
      button.setAttribute("aria-expanded", "true");
      button.textContent = words.close;
      frame.focus();
    }

    function close() {
      panel.style.display = "none";
      button.setAttribute("aria-expanded", "false");
      button.textContent = label;
      button.focus();
    }

    // Display is set directly: a host page's stylesheet may override the hidden attribute.
    function isOpen() { return panel.style.display !== "none"; }
    button.addEventListener("click", function () { if (isOpen()) { close(); } else { open(); } });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape" && isOpen()) { close(); } });
    window.addEventListener("message", function (event) {
      // Only the desk's own frame may ask to close the panel.
      if (event.origin === origin && event.data && event.data.type === "trustdesk-chat-close" && isOpen()) { close(); }
    });
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }

  function mountWhenReady() {
    if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
  }

  // The launcher's words in the visitor's language; English if the desk cannot be reached.
  var wordsUrl = origin + "/t/" + encodeURIComponent(tenant) + "/chat/launcher.json" +
    (/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(hostLang) ? "?lang=" + encodeURIComponent(hostLang) : "");
  if (window.fetch) {
    window.fetch(wordsUrl, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && typeof data.open === "string" && typeof data.close === "string") {
          words = { lang: String(data.lang || ""), open: ownLabel || data.open, close: data.close };
          label = words.open;
        }
      })
      .catch(function () { /* keep the English words */ })
      .then(mountWhenReady);
  } else {
    mountWhenReady();
  }
})();
