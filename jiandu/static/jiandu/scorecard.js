// 考评: the bar chart of on-time rectification rates. The data comes from the page (json_data
// "scorecard-chart-data": [{name, value, colour}]), so the page needs no inline script (Content-Security-Policy).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("scorecard-chart");
    var source = document.getElementById("scorecard-chart-data");
    if (!el || !source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    el.style.height = Math.max(260, 28 * data.length + 80) + "px";
    var chart = window.echarts.init(el);
    chart.setOption({
      grid: {left: 8, right: 48, top: 16, bottom: 8, containLabel: true},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: function (v) { return v + "%"; }},
      xAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", inverse: true, data: data.map(function (d) { return d.name; })},
      series: [{
        name: "整改按期率",
        type: "bar",
        barMaxWidth: 22,
        label: {show: true, position: "right", formatter: "{c}%"},
        data: data.map(function (d) { return {value: d.value, itemStyle: {color: d.colour}}; })
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
