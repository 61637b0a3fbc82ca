// Draw the month chart and the map from the JSON the page embeds (no inline script: CSP).
(function () {
  "use strict";
  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : [];
  }
  var series = read("series-data");
  var labels = read("chart-labels");
  var canvas = document.getElementById("chart-months");
  if (canvas && window.Chart) {
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: series.map(function (r) { return r.month; }),
        datasets: [
          { label: labels.received, data: series.map(function (r) { return r.received; }) },
          { label: labels.resolved, data: series.map(function (r) { return r.resolved; }) }
        ]
      },
      options: { maintainAspectRatio: false, responsive: true }
    });
  }
  var mapEl = document.getElementById("map");
  var places = read("map-data").filter(function (p) { return p.lat !== null && p.level === "grid"; });
  if (mapEl && window.L && places.length) {
    // No tile layer: the map works offline; circles sit at place centres, never at cases.
    var map = window.L.map(mapEl);
    var bounds = [];
    places.forEach(function (p) {
      var n = p.received;
      window.L.circleMarker([p.lat, p.lng], { radius: n ? 4 + Math.sqrt(n) * 2 : 3 })
        .bindTooltip((p.place_name || p.place) + ": " + (n === null ? "—" : n)).addTo(map);
      bounds.push([p.lat, p.lng]);
    });
    map.fitBounds(bounds);
  }
})();
