/* ane-kb index tables (click a header to sort, type in the box to filter, pick facets; the state is kept in the
   URL), the home page's device box and the checker's ?device= preselection. No dependencies. */
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

  // The text a row is searched by: every cell but the exact-value (yes/no) ones, plus hidden aliases.
  function haystack(row) {
    if (row.aneText === undefined) {
      row.aneText = normalise(Array.prototype.map.call(row.cells, function (cell) {
        return cell.hasAttribute("data-exact") ? "" : cell.textContent;
      }).join(" "));
    }
    return row.aneText;
  }

  function facetValues(wrapper) {
    var wanted = {};
    Array.prototype.forEach.call(wrapper.querySelectorAll("select[data-facet]"), function (select) {
      if (select.value) wanted[select.getAttribute("data-facet")] = select.value;
    });
    return wanted;
  }

  // The normalised texts of a row's exact-value cells (yes/no).
  function exactValues(row) {
    return Array.prototype.filter.call(row.cells, function (cell) { return cell.hasAttribute("data-exact"); })
      .map(function (cell) { return normalise(cell.textContent); });
  }

  function filter(wrapper, table, input, counter) {
    var wanted = normalise(input.value), facets = facetValues(wrapper), keys = Object.keys(facets);
    var rows = table.tBodies[0].rows, shown = 0;
    // A query that is exactly a yes/no value ("no") matches those cells exactly, never "Nov 2023".
    var exact = !!wanted && Array.prototype.some.call(rows, function (row) { return exactValues(row).indexOf(wanted) !== -1; });
    Array.prototype.forEach.call(rows, function (row) {
      var match = !wanted || (exact ? exactValues(row).indexOf(wanted) !== -1 : haystack(row).indexOf(wanted) !== -1);
      for (var i = 0; match && i < keys.length; i += 1) {
        var tokens = (row.getAttribute("data-f-" + keys[i]) || "").split(" ");
        match = tokens.indexOf(facets[keys[i]]) !== -1;  // exact value, never a substring
      }
      row.hidden = !match;
      if (match) shown += 1;
    });
    counter.textContent = shown + " / " + table.tBodies[0].rows.length;
    var clear = wrapper.querySelector(".ane-clear");
    if (clear) clear.hidden = !(wanted || keys.length);
  }

  // The filter's state lives in the URL (?q=...&type=ipad), so a filtered table can be linked and reloaded.
  function saveState(wrapper, input) {
    var params = new URLSearchParams(window.location.search);
    params.delete("q");
    if (input.value.trim()) params.set("q", input.value.trim());
    Array.prototype.forEach.call(wrapper.querySelectorAll("select[data-facet]"), function (select) {
      var key = select.getAttribute("data-facet");
      params.delete(key);
      if (select.value) params.set(key, select.value);
    });
    var search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
  }

  function loadState(wrapper, input) {
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) input.value = params.get("q");
    Array.prototype.forEach.call(wrapper.querySelectorAll("select[data-facet]"), function (select) {
      var value = params.get(select.getAttribute("data-facet"));
      if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
    });
  }

  // A table wider than its box shows that it scrolls: a hint line and a shadow on the side with more columns.
  function markScroll(box) {
    var update = function () {
      var wide = box.scrollWidth > box.clientWidth + 1;
      box.parentNode.classList.toggle("ane-table--wide", wide);
      box.classList.toggle("ane-scroll--right", wide && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
      box.classList.toggle("ane-scroll--left", wide && box.scrollLeft > 1);
    };
    box.addEventListener("scroll", update, {passive: true});
    window.addEventListener("resize", update);
    update();
  }

  function setUp(wrapper) {
    var table = wrapper.querySelector("table.ane-sortable");
    var input = wrapper.querySelector("input.ane-filter");
    if (!table || wrapper.getAttribute("data-ready")) return;
    wrapper.setAttribute("data-ready", "1");
    var counter = document.createElement("span");
    counter.className = "ane-count";
    var controls = wrapper.querySelector(".ane-controls") || input.parentNode;
    controls.appendChild(counter);
    counter.textContent = table.tBodies[0].rows.length + " / " + table.tBodies[0].rows.length;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener("click", function () { sortBy(table, th, index); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, th, index); }
      });
    });
    var update = function () { filter(wrapper, table, input, counter); saveState(wrapper, input); };
    input.addEventListener("input", update);
    Array.prototype.forEach.call(wrapper.querySelectorAll("select[data-facet]"), function (select) {
      select.addEventListener("change", update);
    });
    var clear = wrapper.querySelector(".ane-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        input.value = "";
        Array.prototype.forEach.call(wrapper.querySelectorAll("select[data-facet]"), function (s) { s.value = ""; });
        update();
      });
    }
    loadState(wrapper, input);
    filter(wrapper, table, input, counter);
    var box = wrapper.querySelector(".ane-scroll");
    if (box) markScroll(box);
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
