/* ane-kb index tables: click a header to sort, type in the box to filter. No dependencies. */
(function () {
  "use strict";

  // The same forgiving form as ane_kb's device look-up: case, spaces and punctuation ignored.
  function normalise(text) {
    return text.toLowerCase().replace(/\+/g, "plus").replace(/[^a-z0-9\u3400-\u9fff]+/g, "");
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell ? cell.getAttribute("data-value") || cell.textContent : "";
    if (!numeric) return raw;
    var number = parseFloat(raw);
    return isNaN(number) ? -Infinity : number;
  }

  function sortBy(table, header, index) {
    var numeric = header.getAttribute("data-sort") === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var order = numeric ? x - y : String(x).localeCompare(String(y));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function filter(wrapper, table, query, counter) {
    var wanted = normalise(query);
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var match = !wanted || normalise(row.textContent).indexOf(wanted) !== -1;
      row.hidden = !match;
      if (match) shown += 1;
    });
    counter.textContent = shown + " / " + table.tBodies[0].rows.length;
  }

  function setUp(wrapper) {
    var table = wrapper.querySelector("table.ane-sortable");
    var input = wrapper.querySelector("input.ane-filter");
    if (!table || wrapper.getAttribute("data-ready")) return;
    wrapper.setAttribute("data-ready", "1");
    var counter = document.createElement("span");
    counter.className = "ane-count";
    input.insertAdjacentElement("afterend", counter);
    counter.textContent = table.tBodies[0].rows.length + " / " + table.tBodies[0].rows.length;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener("click", function () { sortBy(table, th, index); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, th, index); }
      });
    });
    input.addEventListener("input", function () { filter(wrapper, table, input.value, counter); });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".ane-table"), setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
