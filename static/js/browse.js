// The catalog browser, progressively enhanced. Without this file the filter form reloads the page and the compare
// form submits ?models=a&models=b; with it:
//  - empty fields are left out of the URL htmx pushes (shareable, short);
//  - after the back or forward button restores a list, the form is set from the URL, so it always shows the
//    filters that produced the results;
//  - "remove this filter" links clear the matching form field and resubmit in place;
//  - the compare selection survives filtering and paging (sessionStorage) and "Compare" opens
//    /compare/?models=a,b.
(() => {
  // htmx's history restore replaces the page's elements: always look the form up afresh.
  const filterForm = () => document.getElementById("browse-filters");
  if (!filterForm()) return;
  const MAX = 4;
  const KEY = "compare-selection";

  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt !== filterForm()) return;
    const data = event.detail.formData;
    if (!data) return;
    Array.from(new Set(data.keys())).forEach((key) => {
      if (data.getAll(key).every((value) => String(value).trim() === "")) data.delete(key);
    });
    filterForm().querySelectorAll("[data-default]").forEach((control) => {
      if (data.get(control.name) === control.dataset.default) data.delete(control.name);
    });
  });

  const fillFormFromUrl = () => {
    const form = filterForm();
    if (!form) return;
    const params = new URLSearchParams(window.location.search);
    form.querySelectorAll("input[name], select[name]").forEach((control) => {
      const values = params.getAll(control.name);
      if (control.type === "checkbox") {
        control.checked = values.includes(control.value);
      } else if (control.tagName === "SELECT") {
        control.value = values[0] ?? "";
        if (control.selectedIndex < 0) control.selectedIndex = 0;
      } else {
        control.value = values[0] ?? "";
      }
    });
  };

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.remove-filter");
    const form = filterForm();
    if (!link || !form || !window.htmx) return;
    form.querySelectorAll(`[name="${link.dataset.filter}"]`).forEach((control) => {
      if (control.type === "checkbox") control.checked = false;
      else control.value = "";
    });
    event.preventDefault();
    window.htmx.trigger(form, "submit");
  });

  // --- compare selection -----------------------------------------------------------------------------------
  const load = () => {
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) || "[]");
      return Array.isArray(saved) ? saved.filter((slug) => typeof slug === "string").slice(0, MAX) : [];
    } catch {
      return [];
    }
  };
  let selected = load();
  const save = () => sessionStorage.setItem(KEY, JSON.stringify(selected));

  const render = () => {
    document.querySelectorAll("#compare-form input[name=models]").forEach((box) => {
      box.checked = selected.includes(box.value);
      box.disabled = !box.checked && selected.length >= MAX;
      box.closest("tr")?.classList.toggle("picked", box.checked);
    });
    const button = document.getElementById("compare-button");
    const status = document.getElementById("compare-status");
    if (button) {
      button.disabled = selected.length < 2;
      button.textContent = selected.length >= 2 ? `Compare ${selected.length} models` : "Compare selected";
    }
    if (status) {
      status.textContent = selected.length
        ? `Selected: ${selected.join(", ")}${selected.length >= MAX ? ` (${MAX} at most)` : ""}.`
        : "Tick 2 to 4 models to compare them side by side.";
    }
  };

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.name !== "models" || !box.closest("#compare-form")) return;
    selected = selected.filter((slug) => slug !== box.value);
    if (box.checked && selected.length < MAX) selected.push(box.value);
    save();
    render();
  });

  document.addEventListener("submit", (event) => {
    if (event.target.id !== "compare-form") return;
    event.preventDefault();
    if (selected.length < 2) return;
    const slugs = selected.map((slug) => encodeURIComponent(slug).replace(/%2F/gi, "/"));
    window.location.assign(`/compare/?models=${slugs.join(",")}`);
  });

  // The search box in the site's header shows the search in force too.
  const syncHeaderSearch = () => {
    const header = document.getElementById("site-q");
    const search = document.getElementById("browse-q");
    if (header && search) header.value = search.value;
  };

  document.addEventListener("htmx:afterSettle", () => {
    render();
    syncHeaderSearch();
  });
  document.addEventListener("htmx:historyRestore", () => {
    fillFormFromUrl();
    render();
    syncHeaderSearch();
  });
  window.addEventListener("pageshow", fillFormFromUrl);
  render();
})();
