/*
 * ecodistrict: draws the charts of a page with the vendored plotly.js (static/vendor/plotly).
 *
 * A chart is an element <div data-chart="ID">; its data are in <script type="application/json"
 * id="ID">, written by Django's json_script (so no inline script, no data in JavaScript source:
 * the pages work under a strict Content-Security-Policy). Texts and number separators come
 * translated from the server. Every chart has a table with the same figures next to it, so
 * nothing is lost when JavaScript is off.
 */
(function () {
  "use strict";

  var CONFIG = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d"]
  };
  var COLORS = {
    firm: "#0066cc",
    median: "#5d7083",
    target: "#cc7a00",
    outside: "#8a9aaa",
    firms: "#0066cc",
    exchanges: "#008055",
    internal: "#00a3a3"
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

  function closed(values) {
    return values.length ? values.concat([values[0]]) : values;
  }

  function radar(element, data) {
    var traces = data.series.map(function (series) {
      var isTarget = series.role === "target";
      return {
        type: "scatterpolar",
        name: series.name,
        r: closed(series.values),
        theta: closed(data.axes),
        mode: isTarget ? "markers" : "lines+markers",
        fill: series.role === "firm" ? "toself" : "none",
        fillcolor: "rgba(0, 102, 204, 0.15)",
        connectgaps: false,
        line: { color: COLORS[series.role], dash: series.role === "median" ? "dash" : "solid" },
        marker: {
          color: COLORS[series.role],
          symbol: isTarget ? "diamond" : "circle",
          size: isTarget ? 11 : 6
        },
        hovertemplate: "%{theta}: %{r:.1f} " + data.unit
      };
    });
    var layout = {
      separators: data.separators,
      height: 560,
      margin: { t: 40, b: 40, l: 110, r: 110 },
      showlegend: true,
      legend: { orientation: "h", y: -0.08 },
      polar: {
        radialaxis: { range: [0, 100], ticksuffix: " " + data.unit, angle: 90, tickfont: { size: 10 } },
        angularaxis: { direction: "clockwise", tickfont: { size: 11 } }
      },
      font: { family: "Titillium Web, Geneva, Tahoma, sans-serif" }
    };
    return window.Plotly.newPlot(element, traces, layout, CONFIG);
  }

  function sankey(element, data) {
    var trace = {
      type: "sankey",
      arrangement: "snap",
      valueformat: ",.2~f",
      valuesuffix: " " + data.unit,
      node: {
        label: data.nodes,
        color: data.roles.map(function (role) { return COLORS[role] || COLORS.outside; }),
        pad: 28,
        thickness: 18
      },
      link: {
        source: data.links.source,
        target: data.links.target,
        value: data.links.value,
        color: "rgba(93, 112, 131, 0.35)"
      }
    };
    var layout = {
      separators: data.separators,
      height: 340,
      margin: { t: 20, b: 20, l: 20, r: 20 },
      font: { family: "Titillium Web, Geneva, Tahoma, sans-serif", size: 13 }
    };
    return window.Plotly.newPlot(element, [trace], layout, CONFIG);
  }

  var DRAW = { radar: radar, sankey: sankey };

  function drawAll() {
    if (!window.Plotly) {
      return;
    }
    var elements = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(elements, function (element) {
      var data = readData(element.getAttribute("data-chart"));
      if (data && DRAW[data.kind]) {
        DRAW[data.kind](element, data);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
