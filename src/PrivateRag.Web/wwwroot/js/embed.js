// The widget frame (/embed/chat): talks to the host page's widget.js, opens the sign-in popup, remembers the
// conversation. An ES module imported by EmbedChat.razor; no inline script (the Content-Security-Policy forbids it).
const channelName = "privaterag-auth";
const signedInKey = "privaterag.signedIn";
let started = false;

function reloadOnSignIn() {
  const reload = () => location.reload();
  // The popup (/embed/signed-in) announces itself three ways; which one arrives depends on the browser's
  // opener and storage-partitioning rules (see docs/widget.md).
  try { new BroadcastChannel(channelName).onmessage = reload; } catch (_) { /* not supported */ }
  window.addEventListener("storage", (e) => { if (e.key === signedInKey) reload(); });
  window.addEventListener("message", (e) => {
    if (e.origin === location.origin && e.data && e.data.type === "privaterag:signed-in") reload();
  });
}

export function start() {
  if (started) return;
  started = true;
  reloadOnSignIn();

  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    // The sign-in popup opens in the click itself (a user gesture), not after a round trip to the server.
    const signIn = target.closest("[data-embed-signin]");
    if (signIn) {
      e.preventDefault();
      const url = "/login?returnUrl=" + encodeURIComponent("/embed/signed-in");
      const popup = window.open(url, "privaterag-signin", "popup,width=480,height=640");
      const hint = document.querySelector("[data-embed-popup-blocked]");
      if (!popup && hint) hint.hidden = false;
      return;
    }
    // Inline [n] markers open the same source as the chip with that number.
    const marker = target.closest("[data-cite]");
    if (marker && !marker.matches("[data-testid=citation]")) {
      const turn = marker.closest("[data-turn]");
      const chip = turn && turn.querySelector("[data-testid=citation][data-cite='" + marker.getAttribute("data-cite") + "']");
      if (chip) { e.preventDefault(); chip.click(); }
    }
  });

  // Escape inside the frame closes the panel in the host page.
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && window.parent !== window) window.parent.postMessage({ type: "privaterag:close" }, "*");
  });

  // The host page's widget asks for focus when the panel opens.
  window.addEventListener("message", (e) => {
    if (e.source !== window.parent || !e.data || e.data.type !== "privaterag:focus") return;
    const input = document.querySelector("[data-testid=chat-input]") || document.querySelector("[data-embed-signin]");
    if (input) input.focus();
  });
}

export function markInteractive() {
  document.documentElement.setAttribute("data-interactive", "true");
}

export function loadConversation(key) {
  try { return localStorage.getItem(key); } catch (_) { return null; }
}

export function saveConversation(key, id) {
  try {
    if (id) localStorage.setItem(key, id); else localStorage.removeItem(key);
  } catch (_) { /* storage may be off; the conversation then lasts as long as the frame */ }
}

export function scrollToEnd(element) {
  if (element) element.scrollTop = element.scrollHeight;
}

export function focus(element) {
  if (element) element.focus();
}
