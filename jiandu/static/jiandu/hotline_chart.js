// 热线暗访测试图: wait seconds (red when not connected or too slow) and the answer score per test call.
(function () {
  const el = document.getElementById("call-chart");
  const source = document.getElementById("call-series");
  if (!el || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const maxWait = Number(el.dataset.maxWait);
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: ["等待秒数", "评分"]},
    xAxis: {type: "category", data: data.map((d) => d.date)},
    yAxis: [{type: "value", name: "秒"}, {type: "value", name: "分", min: 0, max: 5}],
    series: [
      {name: "等待秒数", type: "bar", data: data.map((d) => ({value: d.wait, itemStyle: {color: d.connected && d.wait <= maxWait ? "#5470c6" : "#c23531"}}))},
      {name: "评分", type: "line", yAxisIndex: 1, data: data.map((d) => d.score)},
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
