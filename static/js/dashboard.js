/* Draws every chart of the dashboards with Chart.js (static/vendor/chartjs).
 *
 * A chart is a <canvas data-chart="KIND" data-source="ID">, where ID names a json_script element that
 * carries its data; no data is ever written into a script by hand. Status colours are read from the
 * .status-<value> classes of app.css, so the charts and the badges always agree. Each canvas has an
 * accessible name and the page shows the same numbers in a table, so nothing depends on the picture.
 */
(function () {
  "use strict";

  if (typeof window.Chart === "undefined") {
    return;
  }
  var Chart = window.Chart;
  var charts = [];
  var sources = {};

  function data(id) {
    if (!(id in sources)) {
      var element = document.getElementById(id);
      sources[id] = element ? JSON.parse(element.textContent) : null;
    }
    return sources[id];
  }

  function cssColour(className, property) {
    var probe = document.createElement("span");
    probe.className = className;
    probe.hidden = true;
    document.body.appendChild(probe);
    var colour = window.getComputedStyle(probe)[property];
    probe.remove();
    return colour;
  }

  function statusColour(key) {
    return cssColour("status-" + key, "backgroundColor");
  }

  function seriesColour(key) {
    return cssColour("chart-series-" + key, "color");
  }

  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "vi", { maximumFractionDigits: 2 });

  Chart.defaults.animation = false;
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = window.getComputedStyle(document.body).color;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;

  // A segment or bar that carries a link opens the targets behind it (the table beside the chart has
  // the same links for the keyboard); the pointer says so.
  function linkTo(links) {
    return {
      onClick: function (event, elements) {
        var hit = elements[0];
        var href = hit && links(hit.datasetIndex, hit.index);
        if (href) {
          window.location.assign(href);
        }
      },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      },
    };
  }

  var builders = {
    doughnut: function (spec) {
      return {
        type: "doughnut",
        data: {
          labels: spec.labels,
          datasets: [{ data: spec.values, backgroundColor: spec.keys.map(statusColour), borderWidth: 1 }],
        },
        options: Object.assign(
          { plugins: { legend: { position: "bottom" } } },
          linkTo(function (datasetIndex, index) { return spec.links && spec.links[index]; })
        ),
      };
    },

    stacked: function (spec) {
      return {
        type: "bar",
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (series) {
            return { label: series.label, data: series.values, backgroundColor: statusColour(series.key) };
          }),
        },
        options: Object.assign(linkTo(function (datasetIndex, index) {
          var series = spec.series[datasetIndex];
          return series && series.links && series.links[index];
        }), {
          indexAxis: "y",
          scales: {
            x: { stacked: true, ticks: { precision: 0 } },
            y: {
              stacked: true,
              ticks: {
                // Long group names are cut on the axis; the table below the chart has them whole.
                callback: function (value) {
                  var label = this.getLabelForValue(value);
                  return label.length > 28 ? label.slice(0, 27) + "…" : label;
                },
              },
            },
          },
          plugins: { legend: { position: "bottom" } },
        }),
      };
    },

    trend: function (spec) {
      var styles = {
        figure: { borderWidth: 3, pointRadius: 4, showLine: true, spanGaps: false },
        plan: { borderWidth: 0, pointRadius: 6, pointStyle: "rectRot", showLine: false },
        line: { borderWidth: 2, pointRadius: 0, borderDash: [6, 4], showLine: true, spanGaps: true },
        // An estimate: a hollow triangle over the figure's point, so it reads as "not final".
        estimate: { borderWidth: 2, pointRadius: 8, pointStyle: "triangle", showLine: false, pointBackgroundColor: "#fff" },
        // A planned range: the area between its minimum and its maximum, no points.
        range_low: { borderWidth: 1, pointRadius: 0, showLine: true, spanGaps: true, fill: false },
        range_high: { borderWidth: 1, pointRadius: 0, showLine: true, spanGaps: true, fill: "-1" },
      };
      return {
        type: "line",
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (series) {
            var colour = seriesColour(series.key);
            var band = series.key.indexOf("range_") === 0;
            return Object.assign(
              {
                key: series.key,
                label: series.label,
                data: series.values,
                borderColor: colour,
                // The band is the plan's colour, faint, so the points over it stay readable.
                backgroundColor: band ? cssColour("chart-series-" + series.key, "backgroundColor") : colour,
              },
              styles[series.key] || {}
            );
          }),
        },
        options: {
          interaction: { mode: "index", intersect: false },
          scales: {
            y: {
              title: { display: Boolean(spec.unit), text: spec.unit },
              ticks: { callback: function (value) { return numberFormat.format(value); } },
            },
          },
          plugins: {
            // The band's lower edge needs no entry of its own: "Planned range" names the band.
            legend: { position: "bottom", labels: { filter: function (item, chartData) {
              return chartData.datasets[item.datasetIndex].key !== "range_low";
            } } },
            tooltip: {
              callbacks: {
                label: function (context) {
                  return context.dataset.label + ": " + numberFormat.format(context.parsed.y);
                },
              },
            },
          },
        },
      };
    },

    sparkline: function (spec) {
      var colour = seriesColour("figure");
      return {
        type: "line",
        data: {
          labels: spec.labels,
          datasets: [
            { data: spec.values, borderColor: colour, borderWidth: 2, pointRadius: 0, spanGaps: true },
            // The plan of each year, thin and dashed, so the trend reads against it.
            {
              data: spec.plan || [],
              borderColor: seriesColour("plan"),
              borderWidth: 1,
              borderDash: [3, 2],
              pointRadius: 0,
              spanGaps: true,
            },
          ],
        },
        options: {
          responsive: false,
          events: [],
          scales: { x: { display: false }, y: { display: false } },
          plugins: { legend: { display: false }, tooltip: { enabled: false } },
        },
      };
    },
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var build = builders[canvas.dataset.chart];
    var spec = data(canvas.dataset.source);
    if (spec && canvas.dataset.key) {
      spec = spec[canvas.dataset.key];
    }
    if (!build || !spec) {
      return;
    }
    charts.push(new Chart(canvas, build(spec)));
  });

  // Printing lays the page out anew (A4): redraw the charts at their printed size.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
