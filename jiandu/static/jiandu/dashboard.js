// 领导驾驶舱: draws the charts from the JSON in #dashboard-data (no inline script: the CSP allows none).
// Every bar carries the URL of the list of its records: a click opens it. The figures are in the page, or, when
// a province's are being summed, swapped in by htmx in place of the progress card (#dashboard-figures).
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  const PALETTE = ["#1d4f91", "#9e1b1b", "#d4a017", "#2e7d32", "#6c757d"];
  const COLOURS = {red: "#dc3545", yellow: "#e0a800", green: "#198754"};
  const charts = [];

  function bars(d, extra) {
    return d.series.map((s) => Object.assign({name: s.name, type: "bar", data: s.data, barMaxWidth: 28, cursor: "pointer"}, extra ? extra(s) : {}));
  }

  // Horizontal bars: one row per category, the height grows with the number of rows.
  function horizontal(el, d, extra) {
    el.style.height = Math.max(240, 60 + d.categories.length * (d.series.length > 1 ? 34 : 26)) + "px";
    return {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {show: d.series.length > 1, top: 0, type: "scroll"},
      grid: {top: d.series.length > 1 ? 30 : 10, left: 8, right: 24, bottom: 8, containLabel: true},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", data: d.categories, inverse: true, axisLabel: {width: 150, overflow: "truncate"}},
      series: bars(d, extra),
    };
  }

  const OPTIONS = {
    weekly(el, d) {
      const zoom = d.categories.length > 26;
      return {
        tooltip: {
          trigger: "axis",
          axisPointer: {type: "shadow"},
          formatter: (items) => [d.titles[items[0].dataIndex]]
            .concat(items.map((i) => i.marker + i.seriesName + "：" + i.value)).join("<br>"),
        },
        legend: {top: 0, type: "scroll"},
        grid: {top: 36, left: 8, right: 16, bottom: zoom ? 56 : 8, containLabel: true},
        xAxis: {type: "category", data: d.categories},
        yAxis: {type: "value", minInterval: 1},
        dataZoom: zoom ? [{type: "inside", startValue: d.categories.length - 26}, {type: "slider", bottom: 8}] : [],
        series: bars(d),
      };
    },
    groups: horizontal,
    topics: horizontal,
    board(el, d) {
      return horizontal(el, d, (s) => ({stack: "open", itemStyle: {color: COLOURS[s.colour]}}));
    },
  };

  function draw(root) {
    const source = root.querySelector("#dashboard-data");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    root.querySelectorAll("[data-chart]").forEach((el) => {
      const d = data[el.dataset.chart];
      if (!d || !d.categories.length) return;
      const chart = echarts.init(el);
      chart.setOption(Object.assign({color: PALETTE, animation: false}, OPTIONS[el.dataset.chart](el, d)));
      chart.resize();
      chart.on("click", (p) => {
        const urls = d.series[p.seriesIndex] && d.series[p.seriesIndex].urls;
        if (urls && urls[p.dataIndex]) window.location.href = urls[p.dataIndex];
      });
      el.dataset.ready = "1";
      charts.push(chart);
    });
  }

  draw(document);
  document.body.addEventListener("htmx:load", (e) => {
    if (e.detail.elt.id === "dashboard-figures") draw(e.detail.elt);
  });
  // The figures could not be summed (a server error, a lost connection): say so instead of spinning forever.
  document.body.addEventListener("htmx:responseError", failed);
  document.body.addEventListener("htmx:sendError", failed);
  function failed(e) {
    const card = e.detail.elt;
    if (!card || card.dataset.testid !== "dashboard-pending") return;
    card.querySelector(".spinner-border").remove();
    card.querySelector("[data-pending-text]").textContent = "数据汇总未能完成，请稍后刷新页面重试。";
    card.classList.add("border-danger");
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
