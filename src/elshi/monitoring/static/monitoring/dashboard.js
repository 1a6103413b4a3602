// Draws every dashboard chart from the JSON embedded in the page. Plotly is served by elshi itself and the
// world map's topojson from elshi's static files (data-topojson), so nothing is fetched from a CDN.
window.addEventListener("load", () => {
  const holder = document.getElementById("chart-data");
  if (!holder || !window.Plotly) return;
  const { charts, labels } = JSON.parse(holder.textContent);
  const font = { family: "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', sans-serif" };
  document.querySelectorAll("[data-chart]").forEach((div) => {
    const traces = charts[div.dataset.chart];
    if (!traces || !traces.length) return;
    const layout = {
      margin: { t: 10, r: 10, b: 50, l: 60 },
      font,
      legend: { orientation: "h", y: -0.2 },
      barmode: "group",
    };
    if (div.dataset.x) layout.xaxis = { title: { text: labels[div.dataset.x] || "" } };
    if (div.dataset.y) layout.yaxis = { title: { text: labels[div.dataset.y] || "" } };
    if (div.dataset.chart === "narratives") layout.yaxis = { automargin: true };
    const config = { displaylogo: false, responsive: true };
    if (div.dataset.chart === "map") {
      layout.geo = { projection: { type: "natural earth" }, showframe: false, showcoastlines: true };
      layout.margin = { t: 0, r: 0, b: 0, l: 0 };
      config.topojsonURL = div.dataset.topojson;
    }
    window.Plotly.newPlot(div, traces, layout, config);
  });
});
