// Trustdesk chat launcher for a retailer's own site:
//   <script src="https://desk.example/widget.js" data-tenant="acme" async></script>
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
  var label = script.getAttribute("data-label") || "Chat with us";
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
        frame.src = origin + "/t/" + encodeURIComponent(tenant) + "/chat/embed";
        frame.title = label;
        css(frame, { width: "100%", height: "100%", border: "0", display: "block" });
        panel.appendChild(frame);
      }
      panel.style.display = "block";
      button.setAttribute("aria-expanded", "true");
      button.textContent = "Close chat";
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

  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
