// Progressive enhancement only: every page works without this file.
document.querySelectorAll("button[data-copy-target]").forEach((button) => {
  const target = document.getElementById(button.dataset.copyTarget);
  if (!target || !navigator.clipboard) return;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(target.textContent.trim());
      button.textContent = "Copied";
    } catch {
      button.textContent = "Press Ctrl+C to copy";
      window.getSelection().selectAllChildren(target);
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
});
