/*
 * ecodistrict: the district map of the matchmaking page, drawn with the vendored Leaflet
 * (static/vendor/leaflet).
 *
 * A map is an element <div data-map="ID">; its data are in <script type="application/json"
 * id="ID">, written by Django's json_script (no inline script, no data in JavaScript source).
 * Firms are circle markers, matches are lines from supplier to receiver. The background tiles
 * come from the URL the platform is configured with (ECODISTRICT_MAP_TILES_URL); with none the
 * map is drawn on a plain background and the browser contacts no other server. The table of
 * matches under the map says the same in text.
 */
(function () {
  "use strict";

  var COLORS = {
    material: "#8a5a00",
    energy: "#cc3300",
    water: "#0066cc",
    service: "#5d7083"
  };

  function readData(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  // Tooltips as DOM nodes filled with textContent: names never become HTML.
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function draw(element, data) {
    var map = L.map(element, { zoomSnap: 0.25, preferCanvas: false });
    if (data.tiles && data.tiles.url) {
      L.tileLayer(data.tiles.url, {
        attribution: data.tiles.attribution || "",
        maxZoom: 19
      }).addTo(map);
    }
    var points = {};
    var bounds = [];
    data.firms.forEach(function (firm) {
      points[firm.id] = [firm.lat, firm.lon];
      bounds.push([firm.lat, firm.lon]);
    });
    if (data.center && data.center[0] !== null && data.radius_km) {
      L.circle(data.center, {
        radius: data.radius_km * 1000,
        color: "#8a9aaa",
        weight: 1,
        dashArray: "4 4",
        fill: false,
        interactive: false
      }).addTo(map);
    }
    data.links.forEach(function (link) {
      var from = points[link.from];
      var to = points[link.to];
      if (!from || !to) {
        return;
      }
      L.polyline([from, to], {
        color: COLORS[link.kind] || "#5d7083",
        weight: 1 + 4 * Math.max(0, Math.min(1, link.score)),
        opacity: 0.6
      })
        .bindTooltip(textNode(link.title), { sticky: true })
        .addTo(map);
    });
    data.firms.forEach(function (firm) {
      L.circleMarker([firm.lat, firm.lon], {
        radius: 6,
        color: "#17324d",
        weight: 1,
        fillColor: "#ffffff",
        fillOpacity: 1
      })
        .bindTooltip(textNode(firm.ateco ? firm.name + " – " + firm.ateco : firm.name))
        .addTo(map);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24] });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 13);
    } else if (data.center && data.center[0] !== null) {
      map.setView(data.center, 11);
    }
    element.setAttribute("data-ready", "true");
  }

  function init() {
    if (typeof L === "undefined") {
      return;
    }
    var elements = document.querySelectorAll("[data-map]");
    Array.prototype.forEach.call(elements, function (element) {
      var data = readData(element.getAttribute("data-map"));
      if (data) {
        draw(element, data);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
