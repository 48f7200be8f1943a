/* ane-kb index tables (click a header to sort, type in the box to filter), the home page's device box and the
   checker's ?device= preselection. No dependencies. */
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
    var query = new URLSearchParams(window.location.search).get("q");
    if (query && wrapper.getAttribute("data-table") === "device") {
      input.value = query;
      filter(wrapper, table, query, counter);
    }
  }

  // The home page's device box: a name from the list opens the device's page; anything else filters the
  // device table (the form's own action, device/?q=...).
  function setUpDeviceBox(form) {
    var input = form.querySelector("input");
    var options = Array.prototype.slice.call(form.querySelectorAll("datalist option"));
    form.addEventListener("submit", function (event) {
      var wanted = normalise(input.value);
      if (!wanted) return;
      var exact = options.filter(function (o) { return normalise(o.value) === wanted; });
      var named = options.filter(function (o) { return normalise(o.value.replace(/\s*\(\d{4}\)$/, "")) === wanted; });
      var hit = exact.length === 1 ? exact[0] : named.length === 1 ? named[0] : null;
      if (hit) {
        event.preventDefault();
        window.location.href = hit.getAttribute("data-href");
      }
    });
  }

  // /browser/?device=<device id> preselects that device in the checker.
  function preselectDevice() {
    var select = document.getElementById("ane-device");
    var wanted = new URLSearchParams(window.location.search).get("device");
    if (!select || !wanted) return;
    var ref = wanted.indexOf("/") === -1 ? "device/" + wanted : wanted;
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value === ref) select.value = ref;
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".ane-table"), setUp);
    Array.prototype.forEach.call(document.querySelectorAll("form.ane-device-box"), setUpDeviceBox);
    preselectDevice();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
