// Maps without tiles: the basemap is drawn from the places' own boundaries (with a name label
// for each level as one zooms in), the rivers and main roads the app serves, and nothing from
// outside. Tiles are added only when the page carries a tile URL (setting CONCORD_MAP_TILES).
(function () {
  "use strict";
  if (typeof L === "undefined") return;

  var LEVELS = ["county", "town", "village", "grid"];
  // How many zoom steps past the whole-county view each level's names appear.
  var LABEL_FROM = { town: 0, village: 2, grid: 4 };
  var STYLE = {
    county: { color: "#1b1f24", weight: 2.5, fillColor: "#f3f1e7", fillOpacity: 1 },
    town: { color: "#3d4a5c", weight: 2, fillOpacity: 0, dashArray: "6 4" },
    village: { color: "#6b7785", weight: 1, fillColor: "#e4ecd9", fillOpacity: 0.35 },
    grid: { color: "#9aa5b1", weight: 0.6, fillOpacity: 0, dashArray: "2 3" }
  };
  var SELECTED = { color: "#b3261e", weight: 3, fillColor: "#f6d8d5", fillOpacity: 0.55, dashArray: null };

  function baseMap(el) {
    var map = L.map(el, { zoomControl: true, attributionControl: false, zoomSnap: 0.5 });
    var tiles = el.getAttribute("data-tiles");
    if (tiles) L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
    return map;
  }

  // Ray casting on a GeoJSON ring ([lng, lat] pairs).
  function inRing(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function covers(geometry, x, y) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return polys.some(function (rings) {
      return inRing(rings[0], x, y) && !rings.slice(1).some(function (hole) { return inRing(hole, x, y); });
    });
  }

  // Draw the basemap; return {layers by code, find(latlng) → {level: feature}, highlight(code)}.
  function drawBasemap(map, geojson) {
    var places = geojson.features.filter(function (f) { return f.properties.code; });
    var lines = geojson.features.filter(function (f) { return f.properties.layer; });
    places.sort(function (a, b) { return LEVELS.indexOf(a.properties.level) - LEVELS.indexOf(b.properties.level); });
    var byCode = {};
    var boundaries = L.geoJSON({ type: "FeatureCollection", features: places }, {
      style: function (f) { return STYLE[f.properties.level] || STYLE.village; },
      onEachFeature: function (f, layer) { byCode[f.properties.code] = layer; }
    }).addTo(map);
    L.geoJSON({ type: "FeatureCollection", features: lines }, {
      interactive: false,
      style: function (f) {
        return f.properties.layer === "river"
          ? { color: "#3b7fc4", weight: 4, opacity: 0.85 }
          : { color: "#c9872c", weight: 3, opacity: 0.9 };
      }
    }).addTo(map);
    var bounds = boundaries.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
    else map.setView([30, 120], 8);

    // Name labels: one group per level, shown from its zoom on.
    var base = map.getZoom();
    var groups = {};
    places.forEach(function (f) {
      var level = f.properties.level, at = f.properties.label;
      if (!(level in LABEL_FROM) || !at || at[0] === null) return;
      groups[level] = groups[level] || L.layerGroup();
      groups[level].addLayer(L.tooltip({ permanent: true, direction: "center", className: "map-label map-label-" + level, interactive: false })
        .setLatLng([at[0], at[1]]).setContent(f.properties.name));
    });
    function relabel() {
      var z = map.getZoom() - base;
      Object.keys(groups).forEach(function (level) {
        // A level's names give way to the next level's once those appear, except towns.
        var show = z >= LABEL_FROM[level] && !(level === "village" && z >= LABEL_FROM.grid + 1);
        if (show && !map.hasLayer(groups[level])) groups[level].addTo(map);
        if (!show && map.hasLayer(groups[level])) map.removeLayer(groups[level]);
      });
    }
    map.on("zoomend", relabel);
    relabel();

    var selected = null;
    return {
      find: function (latlng) {
        var out = {};
        places.forEach(function (f) {
          if (covers(f.geometry, latlng.lng, latlng.lat)) out[f.properties.level] = f.properties;
        });
        return out;
      },
      highlight: function (code) {
        if (selected && byCode[selected]) boundaries.resetStyle(byCode[selected]);
        selected = code && byCode[code] ? code : null;
        if (selected) byCode[selected].setStyle(SELECTED).bringToFront();
      },
      bounds: function (code) { return byCode[code] ? byCode[code].getBounds() : null; }
    };
  }

  // Filing form: a click marks the point, fills lat/lng and picks the village (and so the
  // grid) in the form; choosing a village in the list highlights it on the map.
  var fileEl = document.getElementById("file-map");
  if (fileEl) {
    var fileMap = baseMap(fileEl);
    fileEl.concordMap = fileMap; // for the browser tests, which click a known place
    var select = document.getElementById("id_place");
    var picked = document.getElementById("map-picked");
    var marker = null, basemap = null;
    fetch(fileEl.getAttribute("data-places-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (g) {
        basemap = drawBasemap(fileMap, g);
        fileEl.setAttribute("data-ready", "1");
        if (select && select.value) basemap.highlight(select.value);
      })
      .catch(function () { fileMap.setView([30, 120], 8); });
    if (select) {
      select.addEventListener("change", function () {
        if (!basemap) return;
        basemap.highlight(select.value);
        var b = basemap.bounds(select.value);
        if (b) fileMap.fitBounds(b, { maxZoom: fileMap.getZoom() + 2 });
      });
    }
    fileMap.on("click", function (e) {
      var found = basemap ? basemap.find(e.latlng) : {};
      var lat = e.latlng.lat.toFixed(6), lng = e.latlng.lng.toFixed(6);
      document.getElementById("id_lat").value = lat;
      document.getElementById("id_lng").value = lng;
      if (marker) marker.setLatLng(e.latlng);
      else marker = L.circleMarker(e.latlng, { radius: 8, color: "#b3261e", weight: 3 }).addTo(fileMap);
      var village = found.village;
      var hasOption = village && select && Array.prototype.some.call(select.options, function (o) { return o.value === village.code; });
      if (hasOption) {
        select.value = village.code;
        basemap.highlight(village.code);
      }
      if (picked) {
        var names = [found.town, found.village, found.grid].filter(Boolean).map(function (p) { return p.name; });
        var template = picked.getAttribute(names.length ? "data-picked" : "data-outside");
        picked.textContent = template.replace("%(place)s", names.join(" · "));
      }
    });
  }

  // Home place picker (resident sign-up and account): a tap picks the grid under it in the
  // list (its village when the list has no such grid) and says what was picked; choosing in
  // the list shows the place on the map. The list is the form's field: without scripts the map
  // stays hidden, and keyboard and screen-reader users choose there.
  var homeEl = document.getElementById("home-map");
  var homeSelect = homeEl && document.getElementById(homeEl.getAttribute("data-select"));
  if (homeEl && homeSelect) {
    var homeBox = document.getElementById("home-map-box");
    if (homeBox) homeBox.hidden = false; // before Leaflet measures the element
    var homeMap = baseMap(homeEl);
    homeEl.concordMap = homeMap; // for the browser tests, which tap a known place
    var homePicked = document.getElementById("home-map-picked");
    var homeBase = null;
    var listed = function (code) {
      return Array.prototype.some.call(homeSelect.options, function (o) { return o.value === code; });
    };
    var showChoice = function (fit) {
      if (!homeBase) return;
      homeBase.highlight(homeSelect.value);
      var b = fit && homeBase.bounds(homeSelect.value);
      if (b) homeMap.fitBounds(b, { maxZoom: homeMap.getZoom() + 2 });
    };
    fetch(homeEl.getAttribute("data-places-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (g) {
        homeBase = drawBasemap(homeMap, g);
        homeEl.setAttribute("data-ready", "1");
        showChoice(false);
      })
      .catch(function () { homeMap.setView([30, 120], 8); });
    homeSelect.addEventListener("change", function () { showChoice(true); });
    homeMap.on("click", function (e) {
      var found = homeBase ? homeBase.find(e.latlng) : {};
      var pick = [found.grid, found.village].filter(function (p) { return p && listed(p.code); })[0];
      if (pick) {
        homeSelect.value = pick.code;
        homeBase.highlight(pick.code);
      }
      if (homePicked) {
        var names = pick ? [found.village, found.grid].filter(Boolean).map(function (p) { return p.name; }) : [];
        var template = homePicked.getAttribute(names.length ? "data-picked" : "data-outside");
        homePicked.textContent = template.replace("%(place)s", names.join(" · "));
      }
    });
  }

  // Staff map: open cases in the jurisdiction over the same basemap.
  var caseEl = document.getElementById("case-map");
  var dataEl = document.getElementById("map-data");
  if (caseEl && dataEl) {
    var data = JSON.parse(dataEl.textContent);
    var caseMap = baseMap(caseEl);
    drawBasemap(caseMap, data.places);
    data.cases.forEach(function (c) {
      var link = document.createElement("a");
      link.href = "/staff/cases/" + c.id + "/";
      link.textContent = c.code + " " + c.title;
      L.circleMarker([c.lat, c.lng], { radius: 5, color: "#b3261e", weight: 1, fillOpacity: 0.7 })
        .bindPopup(link).addTo(caseMap);
    });
  }
})();
