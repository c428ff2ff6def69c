// /embed/signed-in: the sign-in popup's last page. Tells the widget frame that a session exists, then closes.
(function () {
  "use strict";
  try { new BroadcastChannel("privaterag-auth").postMessage("signed-in"); } catch (_) { /* not supported */ }
  try { localStorage.setItem("privaterag.signedIn", String(Date.now())); } catch (_) { /* storage may be off */ }
  try {
    if (window.opener) window.opener.postMessage({ type: "privaterag:signed-in" }, location.origin);
  } catch (_) { /* the opener may be gone (Cross-Origin-Opener-Policy) */ }
  setTimeout(function () { window.close(); }, 400);
})();
