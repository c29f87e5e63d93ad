// The model page: the price-history step chart (the data comes from a json_script block, not inline code).
(() => {
  const source = document.getElementById("price-history-data");
  const canvas = document.getElementById("price-history-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.series.length) return;
  const palette = ["#0b5cad", "#c2410c", "#15803d", "#7c3aed", "#be123c", "#0e7490", "#a16207", "#4338ca"];
  const style = getComputedStyle(document.documentElement);
  const fg = style.getPropertyValue("--fg").trim() || "#1b1f24";
  const grid = style.getPropertyValue("--line").trim() || "#dfe3e8";
  const datasets = data.series.map((series, index) => ({
    label: series.label,
    data: series.points.map(([when, usd]) => ({ x: Date.parse(when), y: Number(usd) })),
    stepped: "before",
    borderColor: palette[index % palette.length],
    backgroundColor: palette[index % palette.length],
    pointRadius: 2,
  }));
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  canvas.closest(".chart-box").hidden = false;
  new Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      interaction: { mode: "nearest", intersect: false },
      scales: {
        x: { type: "linear", ticks: { color: fg, callback: (value) => day(value), maxTicksLimit: 6 }, grid: { color: grid } },
        y: { title: { display: true, text: "USD per 1M tokens", color: fg }, ticks: { color: fg }, grid: { color: grid }, beginAtZero: true },
      },
      plugins: {
        legend: { labels: { color: fg } },
        tooltip: { callbacks: { title: (items) => day(items[0].parsed.x), label: (item) => `${item.dataset.label}: $${item.parsed.y}` } },
      },
    },
  });
})();
