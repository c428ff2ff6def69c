// Bulk upload for the collection page (AdminCollection.razor): many files and whole folders, dropped or chosen.
//
// Why the browser uploads by itself instead of through Blazor's InputFile: InputFile streams every byte over the
// SignalR circuit (32 KB messages, one file after another), which ties up the circuit for the whole batch and has no
// byte-level progress; an admin loading 1,000+ files needs the page to stay responsive. Here the browser sends the
// files straight to the existing, streamed upload API (POST /api/collections/{id}/documents, read part by part into
// the blob store, never buffered, so no 512 KB limit) with XMLHttpRequest, whose upload.onprogress gives bytes per
// request. Small files travel several to a request (the upload rate limit counts requests, and 1,000 requests would
// take half an hour at the default 30 per minute); a bounded number of requests run at once. Only small messages
// go over the circuit: which files there are, bytes sent (at most four times a second) and each file's result.
// The call is authenticated by the sign-in cookie and carries the antiforgery token from GET /api/antiforgery.

const HEADER_FALLBACK = "RequestVerificationToken";

export function attach(root, dotnet, options) {
    const settings = Object.assign({
        url: "", maxFileBytes: 200 * 1024 * 1024, allowed: [], parallel: 3, batchFiles: 16,
        batchBytes: 16 * 1024 * 1024, reportEveryMs: 250, announceChunk: 200
    }, options || {});
    const allowed = new Set((settings.allowed || []).map(e => e.toLowerCase()));
    const pending = [];            // files waiting for a request, in order
    const inFlight = new Set();    // running XMLHttpRequests
    const progress = new Map();    // key -> bytes sent, not yet reported
    const results = [];            // finished files, not yet reported
    let nextKey = 1;
    let token = null;
    let calls = Promise.resolve(); // keeps the messages to .NET in order
    let disposed = false;

    const zone = root.querySelector("[data-upload-zone]");
    const inputs = root.querySelectorAll("input[type=file]");

    function call(method, arg) {
        calls = calls.then(() => disposed ? null : dotnet.invokeMethodAsync(method, arg)).catch(() => { /* page gone */ });
        return calls;
    }

    // As .NET's Path.GetExtension, which the server checks with: ".DS_Store" has one, "notes." has none.
    function extensionOf(name) {
        const dot = name.lastIndexOf(".");
        return dot < 0 || dot === name.length - 1 ? "" : name.substring(dot).toLowerCase();
    }

    // Every file is announced (with the reason when it is not sent), so the admin sees each one, never a failed batch.
    function add(list) {
        const announced = [];
        for (const { file, path } of list) {
            const key = nextKey++;
            let refused = null;
            if (file.size > settings.maxFileBytes) refused = "too-large";
            else if (allowed.size > 0 && !allowed.has(extensionOf(file.name))) refused = "unsupported";
            announced.push({ k: key, n: path || file.name, s: file.size, r: refused });
            if (!refused) pending.push({ key, file });
        }
        for (let i = 0; i < announced.length; i += settings.announceChunk) {
            call("FilesAdded", announced.slice(i, i + settings.announceChunk));
        }
        pump();
    }

    async function antiforgery() {
        if (token) return token;
        const response = await fetch("/api/antiforgery", { credentials: "same-origin", headers: { "Accept": "application/json" } });
        if (!response.ok) throw new Error("HTTP " + response.status);
        token = await response.json();
        return token;
    }

    function nextBatch() {
        const batch = [];
        let bytes = 0;
        while (pending.length > 0 && batch.length < settings.batchFiles) {
            const candidate = pending[0];
            if (batch.length > 0 && bytes + candidate.file.size > settings.batchBytes) break;
            batch.push(pending.shift());
            bytes += candidate.file.size;
            if (candidate.single) break;
        }
        return batch;
    }

    function pump() {
        while (!disposed && inFlight.size < settings.parallel && pending.length > 0) {
            send(nextBatch());
        }
        window.privateRagUploading = inFlight.size > 0 || pending.length > 0;
    }

    function finish(entry, result) {
        progress.delete(entry.key);
        results.push(Object.assign({ k: entry.key }, result));
    }

    function problem(xhr) {
        try {
            const body = JSON.parse(xhr.responseText);
            return body.detail || body.title || ("HTTP " + xhr.status);
        } catch (_) {
            return xhr.status ? "HTTP " + xhr.status : "network error";
        }
    }

    async function send(batch) {
        const xhr = new XMLHttpRequest();
        inFlight.add(xhr);
        let header;
        try {
            header = await antiforgery();
        } catch (e) {
            inFlight.delete(xhr);
            batch.forEach(entry => finish(entry, { e: "sign-in: " + e.message }));
            pump();
            return;
        }
        const form = new FormData();
        const sizes = batch.map(entry => entry.file.size);
        const total = sizes.reduce((a, b) => a + b, 0);
        batch.forEach(entry => form.append("file", entry.file, entry.file.name));

        xhr.open("POST", settings.url);
        xhr.setRequestHeader(header.headerName || HEADER_FALLBACK, header.token);
        xhr.setRequestHeader("Accept", "application/json");
        // The body is the files plus a little multipart framing: share the bytes sent out in file order.
        xhr.upload.onprogress = function (e) {
            if (!e.lengthComputable || e.total === 0) return;
            let sent = e.loaded * (total / e.total);
            for (let i = 0; i < batch.length; i++) {
                const part = Math.max(0, Math.min(sizes[i], sent));
                progress.set(batch[i].key, Math.round(part));
                sent -= sizes[i];
            }
        };
        xhr.onloadend = function () {
            inFlight.delete(xhr);
            if (disposed) return;
            if (xhr.status === 202) {
                let answer = [];
                try { answer = JSON.parse(xhr.responseText); } catch (_) { answer = []; }
                batch.forEach((entry, i) => {
                    const r = answer[i];
                    finish(entry, r ? { id: r.id, st: r.status, d: !!r.duplicate, e: r.error || null } : { e: "no answer for this file" });
                });
            } else if ((xhr.status === 429 || xhr.status === 503) && batch.every(entry => (entry.waits = (entry.waits || 0) + 1) <= 30)) {
                // Over the upload rate limit: wait as told, then send the same files again.
                const wait = (parseInt(xhr.getResponseHeader("Retry-After") || "2", 10) || 2) * 1000;
                batch.forEach(entry => progress.set(entry.key, 0));
                setTimeout(() => { pending.unshift(...batch); pump(); }, wait);
                return;
            } else if (xhr.status === 400 && !batch[0].renewed && /antiforgery/i.test(xhr.responseText)) {
                // The token went stale (signed in again in another tab): fetch a new one, once.
                token = null;
                batch.forEach(entry => { entry.renewed = true; });
                pending.unshift(...batch);
            } else if (batch.length > 1) {
                // One file spoiled the request (too large for the server, say): send each alone to know which.
                batch.forEach(entry => { entry.single = true; progress.set(entry.key, 0); });
                pending.unshift(...batch);
            } else {
                batch.forEach(entry => finish(entry, { e: problem(xhr) }));
            }
            pump();
        };
        xhr.send(form);
    }

    function report() {
        if (progress.size > 0) {
            const flat = [];
            progress.forEach((bytes, key) => { flat.push(key, bytes); });
            progress.clear();
            call("UploadProgress", flat);
        }
        if (results.length > 0) call("FilesUploaded", results.splice(0, results.length));
    }
    const timer = setInterval(report, settings.reportEveryMs);

    // A dropped folder arrives as an entry tree; its entries must be taken before the drop event returns.
    function readAll(reader) {
        return new Promise((resolve, reject) => {
            const all = [];
            (function next() {
                reader.readEntries(batch => {
                    if (batch.length === 0) resolve(all);
                    else { all.push(...batch); next(); }
                }, reject);
            })();
        });
    }

    async function walk(entry, prefix, out) {
        if (entry.isFile) {
            const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
            out.push({ file, path: prefix + file.name });
        } else if (entry.isDirectory) {
            for (const child of await readAll(entry.createReader())) await walk(child, prefix + entry.name + "/", out);
        }
    }

    function onDragOver(e) {
        if (!e.dataTransfer || !Array.from(e.dataTransfer.types || []).includes("Files")) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        zone.classList.add("drag-over");
    }

    function onDragLeave(e) {
        if (!zone.contains(e.relatedTarget)) zone.classList.remove("drag-over");
    }

    function onDrop(e) {
        e.preventDefault();
        zone.classList.remove("drag-over");
        const transfer = e.dataTransfer;
        if (!transfer) return;
        const entries = Array.from(transfer.items || [])
            .filter(item => item.kind === "file")
            .map(item => item.webkitGetAsEntry ? item.webkitGetAsEntry() : null);
        if (entries.length === 0 || entries.some(entry => !entry)) {
            add(Array.from(transfer.files || []).map(file => ({ file, path: file.name })));
            return;
        }
        (async () => {
            const files = [];
            for (const entry of entries) {
                try { await walk(entry, "", files); } catch (_) { /* an unreadable entry is skipped */ }
            }
            add(files);
        })();
    }

    function onChange(e) {
        const input = e.target;
        add(Array.from(input.files || []).map(file => ({ file, path: file.webkitRelativePath || file.name })));
        input.value = ""; // choosing the same files again is a new upload
    }

    function onBeforeUnload(e) {
        if (inFlight.size > 0 || pending.length > 0) { e.preventDefault(); e.returnValue = ""; }
    }

    zone.addEventListener("dragover", onDragOver);
    zone.addEventListener("dragenter", onDragOver);
    zone.addEventListener("dragleave", onDragLeave);
    zone.addEventListener("drop", onDrop);
    inputs.forEach(input => input.addEventListener("change", onChange));
    window.addEventListener("beforeunload", onBeforeUnload);

    return {
        dispose: function () {
            disposed = true;
            clearInterval(timer);
            pending.length = 0;
            inFlight.forEach(xhr => xhr.abort());
            inFlight.clear();
            window.privateRagUploading = false;
            zone.removeEventListener("dragover", onDragOver);
            zone.removeEventListener("dragenter", onDragOver);
            zone.removeEventListener("dragleave", onDragLeave);
            zone.removeEventListener("drop", onDrop);
            inputs.forEach(input => input.removeEventListener("change", onChange));
            window.removeEventListener("beforeunload", onBeforeUnload);
        }
    };
}
