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
});
