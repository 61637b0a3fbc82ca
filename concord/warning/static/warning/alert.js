// An alert's chart (observed, expected, threshold; baseline weeks shaded) and its place on
// the map, from the page's json_script data. The table under the chart has the same numbers.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var chart = data("alert-chart-data");
  var labels = document.getElementById("alert-chart-labels");
  var canvas = document.getElementById("alert-chart");
  if (chart && labels && canvas && typeof Chart !== "undefined") {
    var t = labels.dataset;
    var rows = chart.rows;
    var x = rows.map(function (r) { return r.label; });
    var observed = rows.map(function (r) { return r.observed; });
    var datasets;
    if (chart.scan) {
      datasets = [{
        type: "bar", label: t.observed, data: observed,
        backgroundColor: rows.map(function (r) { return r.in_cluster ? "#b3261e" : "#c9d6e3"; })
      }];
    } else {
      var top = Math.max.apply(null, observed.concat(rows.map(function (r) { return r.threshold || 0; })));
      datasets = [
        { type: "bar", label: t.baseline, data: rows.map(function (r) { return r.baseline ? top : null; }),
          backgroundColor: "rgba(11, 92, 173, 0.12)", barPercentage: 1, categoryPercentage: 1, grouped: false, order: 4 },
        { type: "bar", label: t.observed, order: 3, data: observed, grouped: false,
          backgroundColor: rows.map(function (r) { return r.alarm ? "#b3261e" : "#6b7785"; }) },
        { type: "line", label: t.expected, order: 2, data: rows.map(function (r) { return r.expected; }),
          borderColor: "#1e6b34", backgroundColor: "#1e6b34", spanGaps: false },
        { type: "line", label: t.threshold, order: 1, data: rows.map(function (r) { return r.threshold; }),
          borderColor: "#8a4b00", backgroundColor: "#8a4b00", borderDash: [6, 4], spanGaps: false }
      ];
    }
    new Chart(canvas, {
      data: { labels: x, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { x: { stacked: false }, y: { beginAtZero: true } } }
    });
  }
  var mapData = data("alert-map-data");
  var mapEl = document.getElementById("alert-map");
  if (mapData && mapEl && typeof L !== "undefined") {
    var map = L.map(mapEl, { attributionControl: false });
    var layer = L.geoJSON(mapData, {
      style: function (f) {
        return f.properties.main ? { color: "#0b5cad", weight: 2, fillOpacity: 0.08 }
                                 : { color: "#b3261e", weight: 2, fillOpacity: 0.35 };
      },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 8, color: "#b3261e" }); },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
    }).addTo(map);
    var b = layer.getBounds();
    if (b.isValid()) map.fitBounds(b); else map.setView([30, 120], 8);
  }
})();
