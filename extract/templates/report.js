"use strict";
(function () {
  const table = document.getElementById("facts");
  const rows = Array.from(table.tBodies[0].rows);
  const text = document.getElementById("filter");
  const type = document.getElementById("type-filter");
  const certainty = document.getElementById("certainty-filter");
  const shown = document.getElementById("shown");
  let entity = "";

  function apply() {
    const words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    let n = 0;
    for (const row of rows) {
      const hay = row.textContent.toLowerCase();
      const ok = words.every(function (w) { return hay.includes(w); }) &&
        (!type.value || row.dataset.type === type.value) &&
        (!certainty.value || row.dataset.certainty === certainty.value) &&
        (!entity || row.dataset.entities.split(" ").includes(entity));
      row.hidden = !ok;
      n += ok ? 1 : 0;
    }
    shown.textContent = n + " of " + rows.length + " facts" + (entity ? " · entity " + entity : "");
    document.querySelectorAll("#network .node").forEach(function (node) {
      node.classList.toggle("selected", node.dataset.entity === entity);
    });
    document.querySelectorAll("#network .edge").forEach(function (edge) {
      edge.classList.toggle("dim", Boolean(entity) && edge.dataset.source !== entity && edge.dataset.target !== entity);
    });
  }

  function sortBy(th) {
    const index = Array.from(th.parentNode.children).indexOf(th);
    const asc = !th.classList.contains("sorted-asc");
    table.querySelectorAll("th").forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
    th.classList.add(asc ? "sorted-asc" : "sorted-desc");
    const key = function (row) {
      const cell = row.cells[index];
      const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      return th.dataset.kind === "number" ? Number(raw) : raw.toLowerCase();
    };
    rows.sort(function (a, b) {
      const x = key(a), y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
    });
    rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
  }

  table.querySelectorAll("th.sortable").forEach(function (th) {
    th.addEventListener("click", function () { sortBy(th); });
  });
  [text, type, certainty].forEach(function (el) { el.addEventListener("input", apply); });
  document.getElementById("clear").addEventListener("click", function () {
    text.value = ""; type.value = ""; certainty.value = ""; entity = ""; apply();
  });
  document.querySelectorAll("#network .node").forEach(function (node) {
    node.addEventListener("click", function () {
      entity = entity === node.dataset.entity ? "" : node.dataset.entity;
      apply();
    });
  });
  document.querySelectorAll("#timeline .dot").forEach(function (dot) {
    dot.addEventListener("click", function () {
      rows.forEach(function (r) { r.classList.remove("highlight"); });
      const row = document.getElementById(dot.dataset.fact);
      if (row) { row.hidden = false; row.classList.add("highlight"); row.scrollIntoView({ block: "center" }); }
    });
  });
  apply();
  document.body.dataset.ready = "1";
})();
