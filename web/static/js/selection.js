/*
 * ecodistrict: the selection pages.
 *
 * 1. A run that is queued or running: <section data-run-status="URL"> polls the run's small JSON
 *    status endpoint every two seconds, moves the progress bar and reloads the page once the run
 *    is done or failed (the result is then rendered by the server).
 * 2. The lots map: <div data-lots-map="ID">, its data in <script type="application/json"
 *    id="ID"> (Django's json_script). Each lot is a circle whose area on the map is the lot's
 *    area, labelled with its id, area and assigned firm; assigned lots are filled. Tiles come
 *    from the configured server (ECODISTRICT_MAP_TILES_URL), none by default. The table under
 *    the map says the same in text.
 */
(function () {
  "use strict";

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

  function poll(section) {
    var url = section.getAttribute("data-run-status");
    var bar = section.querySelector("[data-status-bar]");
    var label = section.querySelector("[data-status-label]");
    var message = section.querySelector("[data-status-message]");
    var progress = section.querySelector("[role=progressbar]");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (status) {
          if (!status) {
            window.setTimeout(tick, 5000);
            return;
          }
          if (bar) {
            bar.style.width = status.progress + "%";
          }
          if (progress) {
            progress.setAttribute("aria-valuenow", String(status.progress));
          }
          if (label) {
            label.textContent = status.status_label;
          }
          if (message) {
            message.textContent = status.message;
          }
          if (status.finished) {
            window.location.reload();
          } else {
            window.setTimeout(tick, 2000);
          }
        })
        .catch(function () {
          window.setTimeout(tick, 5000);
        });
    }
    window.setTimeout(tick, 1000);
  }

  function drawLots(element, data) {
    var map = L.map(element, { zoomSnap: 0.25 });
    if (data.tiles && data.tiles.url) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var bounds = [];
    data.lots.forEach(function (lot) {
      var radius = Math.sqrt(lot.area_m2 / Math.PI);
      var circle = L.circle([lot.lat, lot.lon], {
        radius: radius,
        color: lot.firm ? "#008055" : "#5d7083",
        weight: 2,
        fillColor: lot.firm ? "#008055" : "#ffffff",
        fillOpacity: lot.firm ? 0.35 : 0.6
      }).addTo(map);
      // Two lines (the lot, its firm), built as text nodes: names never become HTML.
      var tip = document.createElement("span");
      // Long firm names wrap, so that neighbouring labels do not cover each other.
      tip.style.display = "inline-block";
      tip.style.whiteSpace = "normal";
      tip.style.maxWidth = "13em";
      var title = document.createElement("strong");
      title.textContent = lot.title;
      tip.appendChild(title);
      tip.appendChild(document.createElement("br"));
      tip.appendChild(document.createTextNode(lot.occupant));
      circle.bindTooltip(tip, { permanent: true, direction: "center", className: "lot-label" });
      bounds.push([lot.lat, lot.lon]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [60, 60] });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 16);
    }
    element.setAttribute("data-ready", "true");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-run-status]"), poll);
    if (typeof L === "undefined") {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-lots-map]"), function (element) {
      var data = readData(element.getAttribute("data-lots-map"));
      if (data) {
        drawLots(element, data);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
