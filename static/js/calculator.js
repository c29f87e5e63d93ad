// The workload calculator without reloads: htmx swaps the form and the ranking in place (the page works the same
// as a plain GET form without this file). This file only keeps what a swap would lose: which breakdowns were
// open, and a spoken summary of the new ranking (the swapped region cannot itself be a live region).
(() => {
  const status = document.getElementById("live-status");
  let open = new Set();
  document.addEventListener("htmx:beforeSwap", () => {
    open = new Set(
      Array.from(document.querySelectorAll("#calculator details[data-route][open]"), (el) => el.dataset.route),
    );
  });
  document.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll("#calculator details[data-route]").forEach((el) => {
      if (open.has(el.dataset.route)) el.open = true;
    });
    if (!status) return;
    const summary = document.querySelector("#calculator .error-box, #results-summary, #results .empty");
    status.textContent = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
  });
})();
