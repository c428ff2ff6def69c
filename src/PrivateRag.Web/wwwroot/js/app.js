// Small browser helpers for the PrivateRag UI. No third-party code; loaded by App.razor.
(function () {
    "use strict";

    const themeKey = "privaterag.theme";
    const draftKey = "privaterag.draft";

    // Enter sends the chat question, Shift+Enter makes a new line: keep the browser from inserting the newline.
    document.addEventListener("keydown", function (e) {
        const target = e.target;
        if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.isComposing &&
            target instanceof HTMLElement && target.matches("[data-testid=chat-input]")) {
            e.preventDefault();
        }
    }, true);

    // The unsent question survives a lost connection and the reload that follows it.
    document.addEventListener("input", function (e) {
        const target = e.target;
        if (target instanceof HTMLTextAreaElement && target.matches("[data-testid=chat-input]")) {
            try { sessionStorage.setItem(draftKey, target.value); } catch (_) { /* storage may be off */ }
        }
    }, true);

    // The reconnect panel (ReconnectPanel.razor): retry the circuit, or reload when the server no longer knows it.
    document.addEventListener("click", function (e) {
        const button = e.target instanceof Element ? e.target.closest("[data-reconnect-action]") : null;
        if (!button) return;
        if (button.getAttribute("data-reconnect-action") === "retry" && window.Blazor && window.Blazor.reconnect) {
            window.Blazor.reconnect().then(function (ok) { if (!ok) location.reload(); }, function () { location.reload(); });
        } else {
            location.reload();
        }
    });

    // Language buttons on static pages (the sign-in form): no inline handlers, the Content-Security-Policy forbids them.
    document.addEventListener("click", function (e) {
        const button = e.target instanceof Element ? e.target.closest("[data-set-language]") : null;
        if (button) window.privateRag.setLanguage(button.getAttribute("data-set-language"));
    });

    function copyFallback(text) {
        const area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        let ok = false;
        try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
        document.body.removeChild(area);
        return ok;
    }

    window.privateRag = {
        // Called once the Blazor circuit is up: tests (and styles) can tell a live page from its prerendered copy.
        markInteractive: function (dark) {
            document.documentElement.setAttribute("data-interactive", "true");
            document.documentElement.setAttribute("data-theme", dark ? "dark" : "light");
        },
        theme: {
            isDark: function () {
                const saved = localStorage.getItem(themeKey);
                if (saved === "dark") return true;
                if (saved === "light") return false;
                return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
            },
            save: function (dark) {
                localStorage.setItem(themeKey, dark ? "dark" : "light");
                document.documentElement.setAttribute("data-theme", dark ? "dark" : "light");
                // Also for the server, so the next page is rendered in this mode from the first paint.
                document.cookie = themeKey + "=" + (dark ? "dark" : "light") + "; path=/; max-age=31536000; samesite=strict";
            }
        },
        // The standard ASP.NET Core culture cookie, read by App.razor on the next load.
        setLanguage: function (language) {
            const value = encodeURIComponent("c=" + language + "|uic=" + language);
            document.cookie = ".AspNetCore.Culture=" + value + "; path=/; max-age=31536000; samesite=strict";
            location.reload();
        },
        copy: async function (text) {
            try {
                if (navigator.clipboard && window.isSecureContext) {
                    await navigator.clipboard.writeText(text);
                    return true;
                }
            } catch (_) { /* fall back below */ }
            return copyFallback(text);
        },
        // Scrolls a highlighted passage into the middle of its scrolling box.
        // Scrolls only the passage's own box (never the page), so the panel's header stays in view.
        reveal: function (element) {
            if (!element) return;
            const box = element.closest("[data-scroll-box]");
            if (!box) return;
            const top = element.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
            box.scrollTop = Math.max(0, top - box.clientHeight / 4);
        },
        chat: {
            // Inline [n] markers in answers open the source panel, like the citation chips below each answer.
            listen: function (element, dotnet) {
                if (!element || element.__privateRagListening) return;
                element.__privateRagListening = true;
                element.addEventListener("click", function (e) {
                    const marker = e.target instanceof Element ? e.target.closest("[data-cite]") : null;
                    if (!marker || marker.matches("[data-testid=citation]")) return;
                    const turn = marker.closest("[data-turn]");
                    if (!turn) return;
                    dotnet.invokeMethodAsync("OpenCitationFromMarker",
                        parseInt(turn.getAttribute("data-turn"), 10), parseInt(marker.getAttribute("data-cite"), 10));
                });
            },
            scrollToEnd: function (element) {
                if (element) element.scrollTop = element.scrollHeight;
            },
            focusCitation: function (turn, n) {
                const chip = document.querySelector("[data-turn='" + turn + "'] [data-testid=citation][data-cite='" + n + "']");
                if (chip) chip.focus();
            },
            restoreDraft: function () {
                try { return sessionStorage.getItem(draftKey); } catch (_) { return null; }
            },
            clearDraft: function () {
                try { sessionStorage.removeItem(draftKey); } catch (_) { /* nothing to clear */ }
            }
        }
    };
})();
