// Maps without tiles by default: boundaries and points are drawn from GeoJSON.
// Tiles are added only when the page carries a tile URL (setting CONCORD_MAP_TILES).
(function () {
  "use strict";
  if (typeof L === "undefined") return;

  function baseMap(el) {
    var map = L.map(el, { zoomControl: true, attributionControl: false });
    var tiles = el.getAttribute("data-tiles");
    if (tiles) L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
    return map;
  }

  function drawPlaces(map, geojson) {
    var layer = L.geoJSON(geojson, {
      style: function (f) {
        var level = f.properties.level;
        return { color: level === "county" ? "#1b1f24" : level === "town" ? "#0b5cad" : "#6b7785",
                 weight: level === "village" ? 1 : 2, fillOpacity: 0.04 };
      },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds);
    else map.setView([30, 120], 8);
    return layer;
  }

  // Filing form: a click marks the location and fills the hidden lat/lng fields.
  var fileEl = document.getElementById("file-map");
  if (fileEl) {
    var fileMap = baseMap(fileEl);
    var marker = null;
    fetch(fileEl.getAttribute("data-places-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (g) { drawPlaces(fileMap, g); })
      .catch(function () { fileMap.setView([30, 120], 8); });
    fileMap.on("click", function (e) {
      var lat = e.latlng.lat.toFixed(6), lng = e.latlng.lng.toFixed(6);
      document.getElementById("id_lat").value = lat;
      document.getElementById("id_lng").value = lng;
      if (marker) marker.setLatLng(e.latlng); else marker = L.circleMarker(e.latlng, { radius: 8, color: "#b3261e" }).addTo(fileMap);
      var picked = document.getElementById("map-picked");
      if (picked) picked.textContent = lat + ", " + lng;
    });
  }

  // Staff map: open cases in the jurisdiction.
  var caseEl = document.getElementById("case-map");
  var dataEl = document.getElementById("map-data");
  if (caseEl && dataEl) {
    var data = JSON.parse(dataEl.textContent);
    var caseMap = baseMap(caseEl);
    drawPlaces(caseMap, data.places);
    data.cases.forEach(function (c) {
      var link = document.createElement("a");
      link.href = "/staff/cases/" + c.id + "/";
      link.textContent = c.code + " " + c.title;
      L.circleMarker([c.lat, c.lng], { radius: 5, color: "#b3261e", weight: 1, fillOpacity: 0.7 })
        .bindPopup(link).addTo(caseMap);
    });
  }
})();
