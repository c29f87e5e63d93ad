// Client-side sorting for any <table class="sortable">: header cells with data-sort="num|text" become buttons.
// Rows sort by each cell's data-value (falling back to its text); rows with class "extras" travel with the row
// above them. Without JavaScript the table keeps the server's order.
(() => {
  const compare = (type) => (a, b) => {
    if (type === "num") {
      const x = parseFloat(a), y = parseFloat(b);
      if (Number.isNaN(x) && Number.isNaN(y)) return 0;
      if (Number.isNaN(x)) return 1; // unknown values always last
      if (Number.isNaN(y)) return -1;
      return x - y;
    }
    return a.localeCompare(b, undefined, { sensitivity: "base", numeric: true });
  };
  const value = (row, index) => {
    const cell = row.cells[index];
    return cell ? (cell.dataset.value ?? cell.textContent.trim()) : "";
  };
  const makeSortable = (table) => {
    if (table.dataset.sortable === "ready") return;
    table.dataset.sortable = "ready";
    const headers = table.tHead ? Array.from(table.tHead.rows[0].cells) : [];
    headers.forEach((th, index) => {
      const type = th.dataset.sort;
      if (!type) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent.trim();
      button.setAttribute("aria-label", `Sort by ${button.textContent}`);
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const groups = [];
        Array.from(body.rows).forEach((row) => {
          if (row.classList.contains("extras") && groups.length) groups[groups.length - 1].push(row);
          else groups.push([row]);
        });
        const order = compare(type);
        groups.sort((a, b) => {
          const result = order(value(a[0], index), value(b[0], index));
          const unknownA = type === "num" && Number.isNaN(parseFloat(value(a[0], index)));
          const unknownB = type === "num" && Number.isNaN(parseFloat(value(b[0], index)));
          if (unknownA || unknownB) return result; // unknowns last in both directions
          return ascending ? result : -result;
        });
        groups.flat().forEach((row) => body.appendChild(row));
      });
    });
  };
  const setUp = (root) => root.querySelectorAll("table.sortable").forEach(makeSortable);
  setUp(document);
  // Tables that htmx swaps in later become sortable too.
  document.body.addEventListener("htmx:afterSwap", (event) => setUp(event.detail.target || document));
  window.makeSortable = setUp;
})();
