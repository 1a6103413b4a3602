// Draws the dashboard chart from the JSON embedded in the page (Plotly served locally, never from a CDN).
window.addEventListener("load", () => {
  const holder = document.getElementById("chart");
  const data = document.getElementById("chart-data");
  if (!holder || !data || !window.Plotly) return;
  window.Plotly.newPlot(holder, JSON.parse(data.textContent), {
    margin: { t: 10, r: 10, b: 40, l: 50 },
    xaxis: { title: { text: "day (UTC)" } },
    yaxis: { title: { text: "mentions" } },
    font: { family: "system-ui, sans-serif" },
  }, { displaylogo: false, responsive: true });
});
