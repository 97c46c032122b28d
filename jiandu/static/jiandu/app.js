// Small behaviours shared by every page. No framework: Bootstrap and htmx do the rest.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before destructive or irreversible actions: <button data-confirm="确定要…？">
  document.body.addEventListener("click", (e) => {
    const el = e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { e.preventDefault(); e.stopPropagation(); }
  }, true);
  // Show progress on long submits (imports, exports): <form data-progress>
  document.body.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.matches("[data-progress]")) {
      const btn = form.querySelector("[type=submit]");
      if (btn) { btn.disabled = true; btn.insertAdjacentHTML("afterbegin", '<span class="spinner-border spinner-border-sm me-1"></span>'); }
    }
  });
  // A filter select that applies itself: <select data-autosubmit>
  document.body.addEventListener("change", (e) => {
    if (e.target.matches("select[data-autosubmit]")) e.target.form.submit();
  });
  // Print the page: <button data-print>
  document.body.addEventListener("click", (e) => {
    if (e.target.closest("[data-print]")) window.print();
  });
});

// Progress bars: <div class="progress-bar" data-jd-width="42">. The width is set through the DOM because the
// Content-Security-Policy allows no inline style="" attributes; htmx.onLoad covers swapped-in fragments too.
function jdApplyWidths(root) {
  const bars = Array.from(root.querySelectorAll("[data-jd-width]"));
  if (root.matches && root.matches("[data-jd-width]")) bars.push(root);
  bars.forEach((el) => { el.style.width = (Number(el.dataset.jdWidth) || 0) + "%"; });
}
if (window.htmx) { htmx.onLoad(jdApplyWidths); } else { document.addEventListener("DOMContentLoaded", () => jdApplyWidths(document)); }
