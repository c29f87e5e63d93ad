// Compare without reloads: htmx swaps the comparison in place when a model is added or removed or the workload
// changes (every control is also a plain link or GET form). This file tells screen readers what changed and
// puts the cursor back in the model search box after a model is added.
(() => {
  const status = document.getElementById("live-status");
  document.addEventListener("htmx:afterSettle", (event) => {
    if (status) {
      const summary = document.querySelector("#compare .error-box, #compare-summary");
      status.textContent = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
    }
    const source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.id === "add-model-form") {
      const input = document.getElementById("add-model");
      if (input) input.focus();
    }
  });
})();
