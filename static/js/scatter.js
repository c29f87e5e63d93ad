// Price-vs-score scatter with the value frontier drawn as a step line (data from a json_script block).
(() => {
  const source = document.getElementById("scatter-data");
  const canvas = document.getElementById("scatter-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.points.length) return;
  const style = getComputedStyle(document.documentElement);
  const fg = style.getPropertyValue("--fg").trim() || "#1b1f24";
  const grid = style.getPropertyValue("--line").trim() || "#dfe3e8";
  const accent = style.getPropertyValue("--accent").trim() || "#0b5cad";
  const good = style.getPropertyValue("--good-fg").trim() || "#17622f";
  // A free model cannot sit on a log axis: it is drawn at half the cheapest paid price and labelled free.
  const paid = data.points.map((p) => Number(p.x)).filter((x) => x > 0);
  const floor = paid.length ? Math.min(...paid) / 2 : 0.01;
  const toPoint = (p) => ({ x: Number(p.x) > 0 ? Number(p.x) : floor, y: Number(p.y), name: p.name, slug: p.slug, free: Number(p.x) === 0 });
  const frontier = data.points.filter((p) => p.frontier).map(toPoint).sort((a, b) => a.x - b.x);
  canvas.closest(".chart-box").hidden = false;
  const chart = new Chart(canvas, {
    type: "scatter",
    data: {
      datasets: [
        { label: "Models", data: data.points.filter((p) => !p.frontier).map(toPoint), backgroundColor: accent, pointRadius: 4 },
        // No frontier (too few scores to rank): no legend entry for one either.
        ...(frontier.length ? [{ label: "Value frontier", data: frontier, backgroundColor: good, borderColor: good, showLine: true, stepped: "after", pointRadius: 6 }] : []),
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { type: "logarithmic", title: { display: true, text: "Blended USD per 1M tokens (log scale)", color: fg }, ticks: { color: fg }, grid: { color: grid } },
        y: { title: { display: true, text: data.benchmark, color: fg }, ticks: { color: fg }, grid: { color: grid } },
      },
      plugins: {
        legend: { labels: { color: fg } },
        tooltip: { callbacks: { label: (item) => `${item.raw.name}: ${item.raw.y} at ${item.raw.free ? "no charge (free route)" : "$" + item.raw.x}` } },
      },
      onClick: (event, elements) => {
        if (elements.length) {
          const point = chart.data.datasets[elements[0].datasetIndex].data[elements[0].index];
          window.location.href = `/models/${point.slug}/`;
        }
      },
    },
  });
})();
