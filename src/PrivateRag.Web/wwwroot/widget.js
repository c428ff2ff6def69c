/*! PrivateRag chat widget: one script tag, no framework, no keys. See docs/widget.md. */
(() => {
  "use strict";
  // The tag that loaded this file: its src names the app, its data-* attributes configure the widget.
  const script = document.currentScript || document.querySelector("script[src*='/widget.js']");
  if (!script || window.__privateRagWidget) return;
  window.__privateRagWidget = true;

  const origin = new URL(script.src, location.href).origin;
  const data = script.dataset;
  const title = (data.title || "Ask PrivateRag").slice(0, 80);
  const accent = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(data.accent || "") ? data.accent : "#4f46e5";
  const collections = (data.collections || "").trim();
  const media = (q) => window.matchMedia && window.matchMedia(q).matches;

  const frameUrl = () => {
    const u = new URL("/embed/chat", origin);
    if (collections) u.searchParams.set("collections", collections);
    u.searchParams.set("title", title);
    u.searchParams.set("accent", accent);
    u.searchParams.set("theme", media("(prefers-color-scheme: dark)") ? "dark" : "light");
    if (media("(prefers-reduced-motion: reduce)")) u.searchParams.set("motion", "reduce");
    return u.href;
  };

  const css = `
:host{all:initial}
*{box-sizing:border-box}
.w{--a:${accent};--bg:#fff;--fg:#1f2328;--line:#d0d7de;position:fixed;right:20px;bottom:20px;z-index:2147483000;
font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg)}
@media (prefers-color-scheme:dark){.w{--bg:#1e1f24;--fg:#e6e6e6;--line:#3d4048}}
.l{width:56px;height:56px;border-radius:50%;border:0;background:var(--a);color:#fff;cursor:pointer;display:grid;
place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.25);transition:transform .15s ease}
.l:hover{transform:scale(1.06)}
.l:focus-visible,.x:focus-visible{outline:3px solid var(--a);outline-offset:3px}
.l svg{width:26px;height:26px;fill:currentColor}
.p{position:absolute;right:0;bottom:72px;width:400px;height:min(620px,calc(100vh - 110px));display:flex;flex-direction:column;
background:var(--bg);border:1px solid var(--line);border-radius:12px;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.3);
opacity:0;transform:translateY(12px);transition:opacity .18s ease,transform .18s ease}
.p.o{opacity:1;transform:none}
.p[hidden]{display:none}
.h{display:flex;align-items:center;gap:8px;padding:8px 8px 8px 14px;background:var(--a);color:#fff}
.h h2{flex:1;margin:0;font-size:15px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.x{width:32px;height:32px;border:0;border-radius:6px;background:transparent;color:inherit;cursor:pointer;font-size:20px;line-height:1}
.x:hover{background:rgba(255,255,255,.18)}
iframe{flex:1;width:100%;border:0;background:var(--bg);color-scheme:normal}
@media (max-width:480px){.p{position:fixed;inset:0;width:auto;height:auto;border-radius:0}}
@media (prefers-reduced-motion:reduce){.l,.p{transition:none}.l:hover{transform:none}}
`;

  const host = document.createElement("div");
  host.setAttribute("data-privaterag-widget", "");
  // Inline and !important: the host page's own CSS cannot hide or move the widget's anchor.
  host.style.setProperty("all", "initial", "important");
  host.style.setProperty("position", "static", "important");
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>${css}</style><div class="w">
<section class="p" id="p" role="dialog" aria-modal="false" aria-labelledby="t" hidden>
<div class="h"><h2 id="t"></h2><button type="button" class="x" data-testid="widget-close" aria-label="Close chat">&#x2715;</button></div>
</section>
<button type="button" class="l" data-testid="widget-launcher" aria-haspopup="dialog" aria-expanded="false" aria-controls="p">
<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm3 6v2h2v-2H7zm4 0v2h2v-2h-2zm4 0v2h2v-2h-2z"/></svg>
</button></div>`;
  const panel = root.getElementById("p");
  const launcher = root.querySelector(".l");
  const close = root.querySelector(".x");
  root.getElementById("t").textContent = title;
  launcher.setAttribute("aria-label", "Open chat: " + title);
  launcher.title = title;
  let frame = null;
  let timer = 0;

  const focusFrame = () => {
    if (!frame) return;
    frame.focus();
    frame.contentWindow && frame.contentWindow.postMessage({ type: "privaterag:focus" }, origin);
  };

  const open = () => {
    if (!panel.hidden) return;
    if (!frame) {
      // Loaded on first open only: the host page pays nothing until someone asks.
      frame = document.createElement("iframe");
      frame.title = title;
      frame.src = frameUrl();
      frame.addEventListener("load", () => { if (!panel.hidden) focusFrame(); });
      panel.appendChild(frame);
    }
    clearTimeout(timer);
    panel.hidden = false;
    requestAnimationFrame(() => panel.classList.add("o"));
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close chat: " + title);
    focusFrame();
  };

  const hide = (returnFocus) => {
    if (panel.hidden) return;
    panel.classList.remove("o");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat: " + title);
    timer = setTimeout(() => { panel.hidden = true; }, media("(prefers-reduced-motion: reduce)") ? 0 : 180);
    if (returnFocus) launcher.focus();
  };

  launcher.addEventListener("click", () => (panel.hidden ? open() : hide(true)));
  close.addEventListener("click", () => hide(true));
  root.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); hide(true); } });
  // Escape pressed inside the frame arrives as a message from it (keys do not cross the frame boundary).
  window.addEventListener("message", (e) => {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
    if (e.data && e.data.type === "privaterag:close") hide(true);
  });

  const mount = () => document.body.appendChild(host);
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
