// The org typeahead of list filters (organizations/_org_filter.html), used instead of a <select> when the viewer may
// pick among many orgs. Typing asks organizations:org_typeahead for the matching orgs of that filter; picking one
// (mouse, or ↑/↓ and Enter) puts its id into the hidden `org` input; Escape closes the list and restores the chosen
// org; emptying the box clears the filter. Without this script the text box itself is submitted (org_text) and
// the server reads an org code from it.
(() => {
  if (window.jdOrgTypeahead) return; // the partial may be included (or swapped in) more than once
  window.jdOrgTypeahead = true;
  const DELAY_MS = 200;

  function setup(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    const hidden = box.querySelector("[data-org-value]");
    const input = box.querySelector("[data-org-input]");
    const menu = box.querySelector("[data-org-menu]");
    input.removeAttribute("name"); // with the script, only the hidden id is submitted
    // Set through the DOM: the Content-Security-Policy allows no style="" attribute.
    Object.assign(menu.style, { minWidth: "22rem", maxWidth: "36rem", maxHeight: "24rem", overflowY: "auto" });
    let chosen = { id: hidden.value, name: input.value };
    let items = [];
    let active = -1;
    let timer = null;
    let asked = 0; // answers to older requests are dropped

    function show(open) {
      menu.classList.toggle("show", open);
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) highlight(-1);
    }

    function highlight(i) {
      active = i;
      items.forEach((el, j) => {
        el.classList.toggle("active", j === i);
        el.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function note(text) {
      const el = document.createElement("div");
      el.className = "dropdown-item-text small text-muted";
      el.textContent = text;
      menu.append(el);
    }

    function pick(org) {
      hidden.value = String(org.id);
      input.value = org.name;
      input.title = org.hint || org.name;
      chosen = { id: hidden.value, name: org.name };
      show(false);
    }

    function render(body, q) {
      menu.replaceChildren();
      items = body.results.map((org, i) => {
        const el = document.createElement("button");
        el.type = "button";
        el.className = "dropdown-item py-1 text-wrap";
        el.id = `${menu.id}-${i}`;
        el.tabIndex = -1;
        el.setAttribute("role", "option");
        el.dataset.id = org.id;
        const line = document.createElement("div");
        line.textContent = org.name;
        const code = document.createElement("span");
        code.className = "small text-body-secondary ms-2";
        code.textContent = org.code;
        line.append(code);
        el.append(line);
        if (org.hint) {
          const hint = document.createElement("div");
          hint.className = "small text-body-secondary";
          hint.textContent = org.hint;
          el.append(hint);
        }
        el.addEventListener("mousedown", (e) => e.preventDefault()); // keep the focus in the text box
        el.addEventListener("click", () => pick(org));
        menu.append(el);
        return el;
      });
      if (!items.length) note(q ? `没有名称或编码含“${q}”的单位` : "没有可选的单位");
      else if (body.more) note(`仅列出前 ${items.length} 个，请输入更多文字缩小范围`);
      show(true);
      highlight(q && items.length ? 0 : -1); // Enter takes the first match
    }

    function search() {
      clearTimeout(timer);
      const q = input.value.trim();
      const mine = ++asked;
      fetch(`${box.dataset.url}&q=${encodeURIComponent(q)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then((r) => ((r.headers.get("Content-Type") || "").includes("json") && r.ok ? r.json() : Promise.reject(r)))
        .then((body) => {
          if (mine === asked && document.activeElement === input) render(body, q);
        })
        .catch(() => {
          if (mine !== asked || document.activeElement !== input) return;
          menu.replaceChildren();
          items = [];
          note("暂时无法查询单位，请刷新页面后重试");
          show(true);
        });
    }

    // Text that was typed but not picked does not filter: the box goes back to the chosen org.
    function settle() {
      if (!input.value.trim()) {
        hidden.value = "";
        chosen = { id: "", name: "" };
        input.value = "";
        input.title = "";
      } else if (input.value !== chosen.name) {
        input.value = chosen.name;
      }
    }

    input.addEventListener("input", () => {
      if (!input.value.trim()) {
        hidden.value = ""; // emptying the box clears the filter
        chosen = { id: "", name: "" };
      }
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("focus", () => {
      if (!input.value.trim()) search(); // the top of the tree, to browse
    });
    input.addEventListener("keydown", (e) => {
      const open = menu.classList.contains("show");
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!open) {
          search();
        } else if (items.length) {
          const step = e.key === "ArrowDown" ? 1 : -1;
          highlight(active < 0 ? (step > 0 ? 0 : items.length - 1) : (active + step + items.length) % items.length);
        }
      } else if (e.key === "Enter" && open && active >= 0) {
        e.preventDefault(); // pick; the next Enter submits the form
        items[active].click();
      } else if (e.key === "Escape" && open) {
        e.preventDefault();
        show(false);
        settle();
      } else if (e.key === "Tab" && open) {
        show(false);
      }
    });
    input.addEventListener("blur", () => {
      show(false);
      settle();
    });
    const form = box.closest("form");
    if (form) form.addEventListener("submit", settle);
  }

  function setupAll(root) {
    const boxes = Array.from(root.querySelectorAll ? root.querySelectorAll("[data-org-typeahead]") : []);
    if (root.matches && root.matches("[data-org-typeahead]")) boxes.push(root);
    boxes.forEach(setup);
  }
  if (window.htmx) htmx.onLoad(setupAll); // fragments swapped in later
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => setupAll(document));
  else setupAll(document);
})();
