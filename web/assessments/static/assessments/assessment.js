// The assessment's small helpers, no framework: the EWC autocomplete (a <datalist> filled from
// the platform's JSON endpoint) and the optional Leaflet picker of the site's position.
(function () {
  "use strict";

  function ewcAutocomplete(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.ewcUrl;
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery || /\s–\s/.test(query)) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        lastQuery = query;
        fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (entry) {
              var option = document.createElement("option");
              option.value = entry.label; // textContent only: nothing is parsed as HTML
              list.appendChild(option);
            });
            input.dataset.suggestions = String(data.results.length);
          });
      }, 200);
    });
  }

  function sitePicker(element) {
    if (typeof L === "undefined") {
      return;
    }
    var lat = document.getElementById("id_lat");
    var lon = document.getElementById("id_lon");
    var start = [parseFloat(lat.value) || 44.5739, parseFloat(lon.value) || 10.8478];
    var map = L.map(element).setView(start, 13);
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution || "" }).addTo(map);
    var marker = L.marker(start).addTo(map);
    map.on("click", function (event) {
      marker.setLatLng(event.latlng);
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
    });
  }

  document.querySelectorAll("input[data-ewc-url]").forEach(ewcAutocomplete);
  var picker = document.getElementById("site-map");
  if (picker) {
    sitePicker(picker);
  }
})();
