// Drives the reconnect dialog from blazor.web.js's state events: one CSS class per state picks the text.
const dialog = document.getElementById("components-reconnect-modal");
const states = ["show", "retrying", "failed", "rejected", "paused", "resume-failed"];

dialog.addEventListener("components-reconnect-state-changed", event => {
    const state = event.detail.state;
    dialog.classList.remove(...states.map(s => "components-reconnect-" + s));
    if (state === "hide") {
        dialog.close();
        return;
    }
    if (state === "rejected") {
        // The server no longer knows this circuit: only a fresh page helps.
        location.reload();
        return;
    }
    dialog.classList.add("components-reconnect-" + state);
    if (state === "retrying" && event.detail.secondsToNextAttempt !== undefined) {
        document.getElementById("components-seconds-to-next-attempt").textContent = event.detail.secondsToNextAttempt;
    }
    if (!dialog.open) {
        dialog.showModal();
    }
});

document.getElementById("components-reconnect-button").addEventListener("click", async () => {
    dialog.classList.replace("components-reconnect-failed", "components-reconnect-show");
    if (!await Blazor.reconnect()) {
        // Reconnected to a server that lost the circuit: try to resume it from its persisted state.
        await resume();
    }
});

document.getElementById("components-resume-button").addEventListener("click", resume);

async function resume() {
    try {
        if (!await Blazor.resumeCircuit()) {
            location.reload();
        }
    } catch {
        dialog.classList.replace("components-reconnect-paused", "components-reconnect-resume-failed");
    }
}
