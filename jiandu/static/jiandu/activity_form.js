// 监督检查活动表单: the end date is required (and marked) for a stationed activity; covert methods show the
// confidentiality note; the site picker moves a checked search result to the chosen list.
(function () {
  const method = document.querySelector("[data-method]");
  const endBox = document.querySelector("[data-end-date]");
  if (!method || !endBox) return;
  const endInput = endBox.querySelector("input");
  const endLabel = endBox.querySelector("label");
  const note = document.querySelector("[data-confidential-note]");
  const confidential = JSON.parse(document.getElementById("confidential-methods").textContent);
  const stationedMethod = JSON.parse(document.getElementById("stationed-method").textContent);
  function sync() {
    const stationed = method.value === stationedMethod;
    endInput.required = stationed;
    endLabel.innerHTML = stationed ? '结束日期<span class="text-danger ms-1">*</span>' : "结束日期";
    note.classList.toggle("d-none", !confidential.includes(method.value));
  }
  method.addEventListener("change", sync); sync();
  const chosen = document.querySelector("[data-site-chosen]");
  document.querySelector("#site-results").addEventListener("change", (e) => {
    const box = e.target;
    if (!box.matches("input[type=checkbox]") || !box.checked) return;
    if (!chosen.querySelector(`input[value="${box.value}"]`)) {
      const label = document.createElement("label");
      label.className = "list-group-item d-flex gap-2 small";
      label.innerHTML = `<input class="form-check-input flex-shrink-0" type="checkbox" name="sites" value="${box.value}" checked><span></span>`;
      label.querySelector("span").textContent = box.dataset.siteLabel;
      chosen.append(label);
    }
    box.closest("[data-site-option]").remove();
  });
  chosen.addEventListener("change", (e) => { if (!e.target.checked) e.target.closest("label").remove(); });
})();
