// 抽查结果: sites checked by type and stock by district; data from json_data "results-chart".
(function () {
  const source = document.getElementById("results-chart");
  if (!source || !window.echarts) return;
  const d = JSON.parse(source.textContent);
  const t = echarts.init(document.getElementById("type-chart"));
  t.setOption({tooltip: {}, xAxis: {type: "category", data: d.types}, yAxis: {type: "value"},
    series: [{type: "bar", data: d.typeCounts, itemStyle: {color: "#9e1b1b"}}]});
  const s = echarts.init(document.getElementById("stock-chart"));
  s.setOption({tooltip: {trigger: "axis"}, legend: {data: ["总数", "损坏", "加固"]},
    xAxis: {type: "category", data: d.districts, axisLabel: {interval: 0, rotate: 30}}, yAxis: {type: "value"},
    grid: {bottom: 60}, series: [{name: "总数", type: "bar", data: d.total}, {name: "损坏", type: "bar", data: d.damaged},
      {name: "加固", type: "bar", data: d.reinforced}]});
  window.addEventListener("resize", () => { t.resize(); s.resize(); });
})();
