"use strict";
(function () {
  const records = JSON.parse(document.getElementById("records-data").textContent);
  const body = document.getElementById("panel-body");

  function cell(value) {
    return Array.isArray(value) ? value.join("; ") : String(value);
  }

  function show(ids) {
    body.textContent = "";
    document.getElementById("panel-hint").hidden = ids.length > 0;
    for (const id of ids) {
      const r = records[id];
      if (!r) continue;
      const box = document.createElement("div");
      box.className = "record " + r.type;
      const head = document.createElement("strong");
      head.textContent = r.type + ": " + r.summary;
      box.appendChild(head);
      const dl = document.createElement("dl");
      const extra = [["certainty", r.certainty], ["confidence", r.confidence], ["grounded", r.grounded]];
      for (const [k, v] of r.fields.concat(extra)) {
        if (v === null || v === undefined) continue;
        const dt = document.createElement("dt");
        dt.textContent = k;
        const dd = document.createElement("dd");
        dd.textContent = cell(v);
        dl.append(dt, dd);
      }
      box.appendChild(dl);
      body.appendChild(box);
    }
  }

  document.querySelectorAll("mark[data-records]").forEach(function (mark) {
    mark.addEventListener("click", function () {
      document.querySelectorAll("mark.active").forEach(function (m) { m.classList.remove("active"); });
      mark.classList.add("active");
      show(mark.dataset.records.split(" "));
    });
  });
  document.querySelectorAll("#record-list a[data-record]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      const id = link.dataset.record;
      document.querySelectorAll("mark.active").forEach(function (m) { m.classList.remove("active"); });
      document.querySelectorAll("mark[data-records]").forEach(function (m) {
        if (m.dataset.records.split(" ").includes(id)) m.classList.add("active");
      });
      show([id]);
    });
  });
  document.body.dataset.ready = "1";
})();
