// 抽查计划进度图: checked and remaining sites per stratum and per inspector; data from json_data "progress-data".
(function () {
  const el = document.getElementById("progress-chart");
  const source = document.getElementById("progress-data");
  if (!el || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis"}, legend: {data: ["已检查", "待检查"]},
    grid: {left: 120, right: 20, top: 30, bottom: 20},
    xAxis: {type: "value"}, yAxis: {type: "category", data: data.labels},
    series: [{name: "已检查", type: "bar", stack: "s", data: data.checked, itemStyle: {color: "#198754"}},
      {name: "待检查", type: "bar", stack: "s", data: data.remaining, itemStyle: {color: "#adb5bd"}}],
  });
  window.addEventListener("resize", () => chart.resize());
})();
