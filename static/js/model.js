// The model page: a price-history step chart per price component (data from a json_script block, no inline code).
// Routes stay apart where their lines overlap: each has its own colour, marker and dash, the legend toggles it,
// and the tooltip lists every route at a date.
(() => {
  const source = document.getElementById("price-history-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const palette = ["#0b5cad", "#c2410c", "#15803d", "#7c3aed", "#be123c", "#0e7490", "#a16207", "#4338ca"];
  const markers = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "rectRounded", "cross"];
  const dashes = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
  const style = getComputedStyle(document.documentElement);
  const fg = style.getPropertyValue("--fg").trim() || "#1b1f24";
  const grid = style.getPropertyValue("--line").trim() || "#dfe3e8";
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  for (const chart of data.components || []) {
    const canvas = document.getElementById(`price-history-${chart.component}`);
    if (!canvas) continue;
    const datasets = chart.series.map((series, index) => {
      const colour = palette[index % palette.length];
      const last = series.points.length - 1;
      return {
        label: series.label,
        data: series.points.map(([when, usd, known]) => ({ x: Date.parse(when), y: Number(usd), known })),
        stepped: "before",
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: 2,
        borderDash: dashes[index % dashes.length],
        pointStyle: markers[index % markers.length],
        // A marker where each price starts (so a one-point series still shows), none on the "now" end.
        pointRadius: series.points.map((_, i) => (i === last ? 0 : 5)),
        pointHoverRadius: 7,
      };
    });
    const xs = datasets.flatMap((set) => set.data.map((point) => point.x));
    const span = Math.max(...xs) - Math.min(...xs) || 86400000;
    canvas.closest(".chart-figure").hidden = false;
    new Chart(canvas, {
      type: "line",
      data: { datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        parsing: false,
        interaction: { mode: "x", intersect: false },
        scales: {
          x: {
            type: "linear",
            min: Math.min(...xs) - span * 0.03,
            max: Math.max(...xs) + span * 0.03,
            // A span of a day or two gets one tick per day, not the same date five times.
            ticks: { color: fg, callback: (value) => day(value), maxTicksLimit: 6, ...(span < 3 * 86400000 ? { stepSize: 86400000 } : {}) },
            grid: { color: grid },
          },
          y: { title: { display: true, text: "USD per 1M tokens", color: fg }, ticks: { color: fg }, grid: { color: grid }, beginAtZero: true, grace: "10%" },
        },
        plugins: {
          legend: { labels: { color: fg, usePointStyle: true } },
          tooltip: {
            callbacks: {
              title: (items) => day(items[0].parsed.x),
              label: (item) => `${item.dataset.label}: $${item.parsed.y}${item.raw.known === false ? " (since ≤ this date)" : ""}`,
            },
          },
        },
      },
    });
  }
})();
