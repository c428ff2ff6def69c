// Small browser helpers for the PrivateRag UI. No third-party code; loaded by App.razor.
(function () {
    "use strict";

    const themeKey = "privaterag.theme";

    // Enter sends the chat question, Shift+Enter makes a new line: keep the browser from inserting the newline.
    document.addEventListener("keydown", function (e) {
        const target = e.target;
        if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.isComposing &&
            target instanceof HTMLElement && target.matches("[data-testid=chat-input]")) {
            e.preventDefault();
        }
    }, true);

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
            }
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
            }
        }
    };
})();
