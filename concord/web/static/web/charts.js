// Dashboard charts from the json_script data; the tables next to them carry the same numbers.
(function () {
  "use strict";
  var dataEl = document.getElementById("chart-data");
  var labelsEl = document.getElementById("chart-labels");
  if (!dataEl || !labelsEl || typeof Chart === "undefined") return;
  var data = JSON.parse(dataEl.textContent);
  var t = labelsEl.dataset;
  var tierEl = document.getElementById("tier-chart");
  if (tierEl) {
    new Chart(tierEl, {
      type: "bar",
      data: {
        labels: data.tiers.labels,
        datasets: [
          { label: t.village, data: data.tiers.village, backgroundColor: "#1e6b34" },
          { label: t.town, data: data.tiers.town, backgroundColor: "#0b5cad" },
          { label: t.county, data: data.tiers.county, backgroundColor: "#8a4b00" },
          { label: t.upward, data: data.tiers.upward, backgroundColor: "#b3261e" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
    });
  }
  var trendEl = document.getElementById("trend-chart");
  if (trendEl) {
    var pct = function (xs) { return xs.map(function (x) { return x === null ? null : Math.round(x * 1000) / 10; }); };
    new Chart(trendEl, {
      data: {
        labels: data.trend.labels,
        datasets: [
          { type: "bar", label: t.received, data: data.trend.received, backgroundColor: "#c9d6e3", yAxisID: "y" },
          { type: "line", label: t.response, data: pct(data.trend.response), borderColor: "#0b5cad", yAxisID: "y1" },
          { type: "line", label: t.resolution, data: pct(data.trend.resolution), borderColor: "#1e6b34", yAxisID: "y1" },
          { type: "line", label: t.satisfaction, data: pct(data.trend.satisfaction), borderColor: "#8a4b00", yAxisID: "y1" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: { beginAtZero: true, position: "left" },
                           y1: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } } } }
    });
  }
})();
