// 统计透视图: one line per org over the periods; data from json_data "jd-chart-data".
(function () {
  const el = document.getElementById("jd-chart");
  const source = document.getElementById("jd-chart-data");
  if (el && source && window.echarts) {
    const data = JSON.parse(source.textContent);
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "axis"}, legend: {type: "scroll", top: 0},
      grid: {top: 40, left: 60, right: 20, bottom: 30},
      xAxis: {type: "category", data: data.categories},
      yAxis: {type: "value", name: data.unit},
      series: data.series,
    });
    window.addEventListener("resize", () => chart.resize());
  }
})();
