/* ane-kb: check a Core ML model in the browser. The page's Python (Pyodide) runs ane_kb's own checker;
   the model's small files are written into Pyodide's in-memory file system, its big weight files are read a slice at a
   time, and nothing leaves this machine. */
(function () {
  "use strict";

  var WORDS = {
    en: {
      loading: "Loading the checker", runtime: "Downloading the Python runtime", starting: "Starting Python",
      bundle: "Loading ane-kb", ready: "Ready: drop a model or pick one.", checking: "Checking", failed: "The checker could not start",
      crashed: "the checker failed on this file (please report it, with the file if you can)",
      deflated: "this zip compresses the model's weights, and the page would have to unpack them all in memory: unzip it and pick the model's folder with the Folder button instead",
      badZip: "this zip cannot be read: its central directory is damaged, it is encrypted, or it uses a compression other than deflate",
      verdict: "Verdict", layers: "layers", flagged: "flagged", switches: "estimated device switches",
      risks: "Risks: {n} warning(s) from {rules}; they do not change the verdict.",
      error: "Errors", warning: "Warnings", info: "Notes", fix: "Fix", unknown: "Unknown", model: "model",
      uncovered: "Op types no rule speaks about", segments: "Segments", ane: "ANE", other: "CPU/GPU", clean: "No findings.",
      checked: "Checked", segmentLink: "first finding in this segment",
      caveat: "A clean report is not a guarantee: Core ML decides placement at run time, and the rules cover what has been observed.",
      verdicts: {"likely-all-ane": "likely all on the ANE", partly: "partly on the ANE", unlikely: "unlikely to run on the ANE",
                 "not-applicable": "not applicable", unknown: "unknown"}
    },
    zh: {
      loading: "正在加载检查器", runtime: "正在下载 Python 运行环境", starting: "正在启动 Python", bundle: "正在加载 ane-kb",
      ready: "准备就绪：拖入或选择一个模型。", checking: "正在检查", failed: "检查器无法启动",
      crashed: "检查器处理这个文件时出错（请报告这个问题，如果可以，请附上文件）",
      deflated: "这个 zip 压缩了模型的权重，页面必须在内存中把它们全部解压：请先解压，再用“文件夹”按钮选择模型所在的文件夹",
      badZip: "无法读取这个 zip：它的中央目录已损坏、被加密，或使用了 deflate 以外的压缩方式",
      verdict: "结论", layers: "个层", flagged: "个被标记", switches: "次预计的计算单元切换",
      risks: "风险：{rules} 给出 {n} 条警告，不影响结论。",
      error: "错误", warning: "警告", info: "提示", fix: "解决办法", unknown: "未知", model: "模型",
      uncovered: "没有任何规则涉及的算子类型", segments: "分段", ane: "神经引擎", other: "CPU/GPU", clean: "没有发现问题。",
      checked: "已检查", segmentLink: "本段的第一条发现",
      caveat: "报告干净并不代表一定在神经引擎上运行：Core ML 在运行时才决定模型放在哪里，而规则只涵盖已观察到的情况。",
      verdicts: {"likely-all-ane": "很可能全部在神经引擎上运行", partly: "部分在神经引擎上运行", unlikely: "不太可能在神经引擎上运行",
                 "not-applicable": "不适用", unknown: "未知"}
    }
  };

  var root, words, assets, site, confidence = {}, pyodide = null, runCheck = null, uploads = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Text with `code` spans (the rules' messages and fixes) as text nodes and <code> elements: never as HTML.
  function withCode(tag, attrs, text) {
    var node = el(tag, attrs);
    String(text).split(/`([^`]+)`/).forEach(function (part, index) {
      if (!part) return;
      node.appendChild(index % 2 ? el("code", {}, part) : document.createTextNode(part));
    });
    return node;
  }

  // The file name the reader picked: the page writes uploads under /upload/N/, which is no name of theirs.
  function named(model) {
    if (model && typeof model.path === "string") model.path = model.path.replace(/^\/upload\/\d+\//, "");
    return model;
  }

  function progress(fraction, label) {
    var box = root.querySelector(".ane-checker__progress");
    box.hidden = false;
    var bar = box.querySelector("progress");
    if (fraction === null) bar.removeAttribute("value"); else bar.value = Math.round(fraction * 100);
    box.querySelector(".ane-checker__status").textContent = label;
  }

  async function fetchWithProgress(url, label, share, start) {
    var response = await fetch(url);
    if (!response.ok) throw new Error(url + ": HTTP " + response.status);
    var total = Number(response.headers.get("Content-Length")) || 0;
    var reader = response.body.getReader(), chunks = [], received = 0;
    for (;;) {
      var step = await reader.read();
      if (step.done) break;
      chunks.push(step.value);
      received += step.value.length;
      progress(total ? start + share * received / total : null, label + " (" + (received / 1048576).toFixed(1) + " MB)");
    }
    var data = new Uint8Array(received), offset = 0;
    chunks.forEach(function (chunk) { data.set(chunk, offset); offset += chunk.length; });
    return data;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = el("script", {src: src});
      script.onload = resolve;
      script.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(script);
    });
  }

  // Pyodide fetches its own runtime files when it starts. The page downloads the big ones first (to show progress)
  // and hands Pyodide those bytes, so that each file crosses the network once, also in a private window where
  // nothing is cached.
  function serveFromMemory(files) {
    var original = window.fetch;
    window.fetch = function (input, init) {
      // Pyodide passes a URL object; a Request has .url; anything else is a string.
      var url = new URL(typeof Request !== "undefined" && input instanceof Request ? input.url : String(input),
                        window.location.href).href;
      var file = files[url];
      if (file) {
        delete files[url];
        return Promise.resolve(new Response(file.data, {status: 200, headers: {"Content-Type": file.type}}));
      }
      return original.call(window, input, init);
    };
    return function restore() { window.fetch = original; };
  }

  async function start() {
    progress(0, words.runtime);
    var base = new URL(assets + "pyodide/", window.location.href).href, files = {};
    files[base + "pyodide.asm.wasm"] = {type: "application/wasm",
                                        data: await fetchWithProgress(base + "pyodide.asm.wasm", words.runtime, 0.45, 0)};
    files[base + "python_stdlib.zip"] = {type: "application/zip",
                                         data: await fetchWithProgress(base + "python_stdlib.zip", words.runtime, 0.15, 0.45)};
    await loadScript(assets + "pyodide/pyodide.js");
    progress(0.65, words.starting);
    var restore = serveFromMemory(files);
    try {
      pyodide = await window.loadPyodide({indexURL: assets + "pyodide/"});
    } finally {
      restore();
    }
    window.aneKbPyodide = pyodide;  // for the page's tests and for debugging from the console
    var bundle = await fetchWithProgress(assets + "py.zip", words.bundle, 0.25, 0.7);
    pyodide.unpackArchive(bundle.buffer, "zip", {extractDir: "/lib/ane-kb"});
    pyodide.runPython("import sys; sys.path.insert(0, '/lib/ane-kb')");
    runCheck = pyodide.runPython("from ane_kb.check.browser import run\nrun");
    progress(1, words.ready);
    root.querySelector("#ane-file").disabled = false;
    root.querySelector("#ane-folder").disabled = false;
    root.setAttribute("data-ready", "1");
  }

  /* Big files stay in the browser. A weight file larger than LAZY_FROM is not copied into Python's memory: the
     package's folder gets an empty placeholder under its name, and the checker reads the byte ranges it scans through
     readRange, each a File.slice() (this needs WebAssembly stack switching, JSPI; without it every file is copied, as
     before). A zip larger than COPY_LIMIT is read the same way from its central directory: a stored entry is a slice
     of the zip, a small deflated one is inflated here, and a big deflated one cannot be checked in the page. */
  var LAZY_FROM = 8 << 20, COPY_LIMIT = 64 << 20, INFLATE_LIMIT = 64 << 20;
  var lazy = {};

  function canSlice() {
    return Boolean(pyodide && pyodide._module && pyodide._module.jspiSupported) && typeof runCheck.callPromising === "function";
  }

  function isWeights(name, size) {
    var base = name.substring(name.lastIndexOf("/") + 1).toLowerCase();
    return size > LAZY_FROM && base !== "coremldata.bin" && (/\.bin$/.test(base) || /\.weights$/.test(base));
  }

  function readRange(path, offset, length) {
    return lazy[path].slice(offset, offset + length).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }

  function writeFile(path, data) {
    var folder = path.substring(0, path.lastIndexOf("/"));
    pyodide.FS.mkdirTree(folder);
    pyodide.FS.writeFile(path, new Uint8Array(data));
  }

  async function place(path, blob, sliced) {
    // One file of the upload: copied into Python's file system, or (a big weight file) left in the browser.
    if (sliced && isWeights(path, blob.size)) {
      writeFile(path, new ArrayBuffer(0));
      lazy[path] = blob;
      return;
    }
    writeFile(path, await blob.arrayBuffer());
  }

  async function fromFiles(files, sliced) {
    uploads += 1;
    var base = "/upload/" + uploads + "/", top = null;
    for (var i = 0; i < files.length; i += 1) {
      var file = files[i], relative = file.webkitRelativePath || file.relativePath || file.name;
      top = top || relative.split("/")[0];
      if (sliced && files.length === 1 && /\.zip$/i.test(relative) && await fromZip(file, base)) continue;
      await place(base + relative, file, sliced);
    }
    return base + top;
  }

  function ZipRefused(code) { this.code = code; }

  async function bytesAt(file, start, end) {
    return new DataView(await file.slice(start, end).arrayBuffer());
  }

  function u64(view, at) { return view.getUint32(at, true) + view.getUint32(at + 4, true) * 4294967296; }

  async function centralDirectory(file) {
    var tailStart = Math.max(0, file.size - 65557), tail = await bytesAt(file, tailStart, file.size);
    for (var at = tail.byteLength - 22; at >= 0; at -= 1) {
      if (tail.getUint32(at, true) !== 0x06054b50) continue;
      var count = tail.getUint16(at + 10, true), size = tail.getUint32(at + 12, true), offset = tail.getUint32(at + 16, true);
      if ((count === 0xFFFF || size === 0xFFFFFFFF || offset === 0xFFFFFFFF) && at >= 20 && tail.getUint32(at - 20, true) === 0x07064b50) {
        var record = u64(tail, at - 12), zip64 = await bytesAt(file, record, record + 56);
        if (zip64.getUint32(0, true) !== 0x06064b50) throw new ZipRefused("bad");
        count = u64(zip64, 32); size = u64(zip64, 40); offset = u64(zip64, 48);
      }
      if (offset + size > file.size) throw new ZipRefused("bad");
      return {count: count, view: await bytesAt(file, offset, offset + size)};
    }
    throw new ZipRefused("bad");
  }

  function entries(directory) {
    var view = directory.view, at = 0, found = [], decoder = new TextDecoder();
    for (var i = 0; i < directory.count; i += 1) {
      if (at + 46 > view.byteLength || view.getUint32(at, true) !== 0x02014b50) throw new ZipRefused("bad");
      var entry = {flags: view.getUint16(at + 8, true), method: view.getUint16(at + 10, true),
                   packed: view.getUint32(at + 20, true), size: view.getUint32(at + 24, true),
                   local: view.getUint32(at + 42, true)};
      var nameLength = view.getUint16(at + 28, true), extraLength = view.getUint16(at + 30, true);
      entry.name = decoder.decode(new Uint8Array(view.buffer, view.byteOffset + at + 46, nameLength));
      for (var x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength;) {
        var id = view.getUint16(x, true), length = view.getUint16(x + 2, true), y = x + 4;
        if (id === 1) {  // the zip64 sizes and offset, each present only where the 32-bit field is full
          if (entry.size === 0xFFFFFFFF) { entry.size = u64(view, y); y += 8; }
          if (entry.packed === 0xFFFFFFFF) { entry.packed = u64(view, y); y += 8; }
          if (entry.local === 0xFFFFFFFF) { entry.local = u64(view, y); }
        }
        x += 4 + length;
      }
      at += 46 + nameLength + extraLength + view.getUint16(at + 32, true);
      if (/(^|\/)\.\.(\/|$)/.test(entry.name) || /^\//.test(entry.name) || /[\\\0]/.test(entry.name)) throw new ZipRefused("bad");
      if (!/\/$/.test(entry.name)) found.push(entry);
    }
    return found;
  }

  async function inflate(blob) {
    var stream = blob.stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  async function fromZip(file, base) {
    // A zip whose entries all fit in memory once inflated, and that is small itself, is copied as it is (the checker
    // unpacks it); a bigger one is unpacked here into base + "unzipped/", where the checker looks for it. False: copy it.
    var found;
    try {
      found = entries(await centralDirectory(file));
      found.forEach(function (entry) {
        if (entry.flags & 1 || (entry.method !== 0 && entry.method !== 8)) throw new ZipRefused("bad");
      });
    } catch (error) {
      if (file.size <= COPY_LIMIT) return false;  // not a zip the page can read: the checker says what is wrong
      throw error instanceof ZipRefused ? error : new ZipRefused("bad");
    }
    if (found.some(function (entry) { return entry.method === 8 && entry.size > INFLATE_LIMIT; })) throw new ZipRefused("deflated");
    if (file.size <= COPY_LIMIT) return false;
    for (var i = 0; i < found.length; i += 1) {
      var entry = found[i], head = await bytesAt(file, entry.local, entry.local + 30);
      if (head.getUint32(0, true) !== 0x04034b50) throw new ZipRefused("bad");
      var start = entry.local + 30 + head.getUint16(26, true) + head.getUint16(28, true);
      var data = file.slice(start, start + entry.packed), path = base + "unzipped/" + entry.name;
      if (entry.method === 8) writeFile(path, await inflate(data));
      else await place(path, data, true);
    }
    return true;
  }

  function readEntry(entry, prefix, out) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (file) { file.relativePath = prefix + entry.name; out.push(file); resolve(); }, resolve);
        return;
      }
      var reader = entry.createReader(), all = [];
      (function more() {
        reader.readEntries(function (batch) {
          if (!batch.length) {
            Promise.all(all.map(function (child) { return readEntry(child, prefix + entry.name + "/", out); })).then(resolve);
            return;
          }
          all = all.concat(Array.prototype.slice.call(batch));
          more();
        }, resolve);
      })();
    });
  }

  function groups(files) {
    // Each top-level name is one model: a file, or a folder picked or dropped with its contents.
    var byTop = {}, order = [];
    files.forEach(function (file) {
      var top = (file.webkitRelativePath || file.relativePath || file.name).split("/")[0];
      if (!byTop[top]) { byTop[top] = []; order.push(top); }
      byTop[top].push(file);
    });
    return order.map(function (top) { return {name: top, files: byTop[top]}; });
  }

  function describe(error) {
    // A Python exception's message is its whole traceback: its last line says what failed.
    var lines = String((error && error.message) || error).split("\n").filter(function (line) { return line.trim(); });
    return lines.length ? lines[lines.length - 1].trim() : String(error);
  }

  function failedModel(name, error) {
    return {path: name, format: "other", error: words.crashed + ": " + describe(error), message: null, verdict: "unknown",
            summary: {layers: 0, flagged: 0, segments: [], switches: 0, uncovered_ops: [], ignored_rules: []}, findings: []};
  }

  function refusedModel(name, code) {
    var model = failedModel(name, "");
    model.error = words[code === "deflated" ? "deflated" : "badZip"];
    return model;
  }

  async function checkOne(group, device, os) {
    var sliced = canSlice();
    lazy = {};
    try {
      var path = await fromFiles(group.files, sliced), lang = root.getAttribute("data-lang");
      if (!sliced) return JSON.parse(runCheck(path, device, os, lang));
      return JSON.parse(await runCheck.callPromising(path, device, os, lang, JSON.stringify(Object.keys(lazy).reduce(
        function (sizes, name) { sizes[name] = lazy[name].size; return sizes; }, {})), readRange));
    } catch (error) {
      if (error instanceof ZipRefused) return {models: [refusedModel(group.name, error.code)]};
      return {models: [failedModel(group.name, error)]};
    } finally {
      lazy = {};
    }
  }

  async function check(files) {
    if (!runCheck || !files.length) return;
    var report = root.querySelector("#ane-report");
    report.textContent = words.checking + "…";
    var device = root.querySelector("#ane-device").value, os = root.querySelector("#ane-os").value.trim();
    var combined = {tool: null, models: []}, todo = groups(files);
    for (var i = 0; i < todo.length; i += 1) {
      var data = await checkOne(todo[i], device, os);
      if (data.usage_error) { render(data, JSON.stringify(data)); return; }
      combined.tool = combined.tool || data.tool || null;
      combined.models = combined.models.concat(data.models.map(named));
    }
    try {
      render(combined, JSON.stringify(combined));
    } catch (error) {
      render({tool: combined.tool, models: todo.map(function (group) { return failedModel(group.name, error); })});
    }
  }

  function ruleLink(rule) { return site + rule + "/"; }

  function render(data, json) {
    var report = root.querySelector("#ane-report"), download = root.querySelector("#ane-json");
    report.textContent = "";
    if (data.usage_error) {
      report.appendChild(el("p", {"class": "ane-error"}, data.usage_error));
      download.hidden = true;
      return;
    }
    data.models.forEach(function (model) {
      try {
        report.appendChild(renderModel(model));
      } catch (error) {
        report.appendChild(renderModel(failedModel(model.path, error)));
      }
    });
    download.href = URL.createObjectURL(new Blob([json || JSON.stringify(data)], {type: "application/json"}));
    download.hidden = false;
  }

  function renderModel(model) {
    var box = el("section", {"class": "ane-model"}), number = root.querySelectorAll(".ane-model").length + 1;
    if (model.error) {
      box.appendChild(el("p", {"class": "ane-error"}, model.path + ": " + model.error));
      return box;
    }
    var title = el("h3", {"class": "ane-model__name"}, words.checked + ": ");
    title.appendChild(el("code", {}, model.path));
    box.appendChild(title);
    var verdict = el("p", {"class": "ane-verdict ane-verdict--" + model.verdict});
    verdict.appendChild(el("strong", {}, words.verdict + ": " + (words.verdicts[model.verdict] || model.verdict)));
    box.appendChild(verdict);
    if (model.message) { box.appendChild(el("p", {}, model.message)); return box; }
    var s = model.summary;
    box.appendChild(el("p", {"class": "ane-summary"}, s.layers + " " + words.layers + " · " + s.flagged + " " + words.flagged +
                                                       " · " + s.switches + " " + words.switches));
    if (s.risks && s.risks.warnings) {
      box.appendChild(el("p", {"class": "ane-risks"},
                         words.risks.replace("{n}", String(s.risks.warnings)).replace("{rules}", s.risks.rules.join(", "))));
    }
    // Each finding has an anchor; a segment off the ANE links to the first finding about one of its layers.
    var anchors = {};
    model.findings.forEach(function (f, index) {
      f.anchor = "ane-finding-" + number + "-" + index;
      if (f.layer && !anchors[f.layer]) anchors[f.layer] = f.anchor;
    });
    var strip = el("p", {"class": "ane-strip", "aria-label": words.segments});
    s.segments.forEach(function (segment) {
      var label = (segment.ane ? words.ane : words.other) + ": " + segment.layers.join(", ");
      var target = segment.ane ? null : segment.layers.map(function (l) { return anchors[l]; }).filter(Boolean)[0];
      var part = el(target ? "a" : "span", {"class": segment.ane ? "ane-strip__ane" : "ane-strip__other", title: label});
      if (target) { part.setAttribute("href", "#" + target); part.setAttribute("aria-label", label + " (" + words.segmentLink + ")"); }
      part.style.flexGrow = String(segment.layers.length);
      strip.appendChild(part);
    });
    box.appendChild(strip);
    ["error", "warning", "info"].forEach(function (severity) {
      var found = model.findings.filter(function (f) { return f.severity === severity; });
      if (!found.length) return;
      box.appendChild(el("h3", {"class": "ane-severity ane-severity--" + severity}, words[severity] + " (" + found.length + ")"));
      var list = el("ul", {"class": "ane-findings"});
      found.forEach(function (f) {
        var item = el("li", {"class": "ane-finding ane-finding--" + severity, id: f.anchor});
        var head = el("div", {});
        head.appendChild(el("code", {}, f.layer ? f.layer + " (" + f.op + ")" + (f.path ? " @ " + f.path : "") : words.model));
        head.appendChild(document.createTextNode(" "));
        head.appendChild(el("a", {href: ruleLink(f.rule), "class": "ane-rule"}, f.rule));
        head.appendChild(el("span", {"class": "ane-badge ane-badge--" + f.confidence}, confidence[f.confidence] || f.confidence));
        item.appendChild(head);
        item.appendChild(withCode("p", {}, f.message));
        if (f.unknown.length) item.appendChild(withCode("p", {"class": "ane-unknown"}, words.unknown + ": " + f.unknown.join("; ")));
        if (f.fix) item.appendChild(withCode("p", {"class": "ane-fix"}, words.fix + ": " + f.fix));
        list.appendChild(item);
      });
      box.appendChild(list);
    });
    if (!model.findings.length) box.appendChild(el("p", {}, words.clean));
    if (s.uncovered_ops.length) box.appendChild(el("p", {"class": "ane-uncovered"}, words.uncovered + ": " + s.uncovered_ops.join(", ")));
    box.appendChild(el("p", {"class": "ane-caveat"}, words.caveat));
    return box;
  }

  // iOS and iPadOS (and Android) let a page pick files but not folders: an .mlpackage must be zipped first.
  function zipHint() {
    var ua = navigator.userAgent || "";
    var touchMac = navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1;
    var noFolders = /iPad|iPhone|iPod|Android/.test(ua) || touchMac || !("webkitdirectory" in document.createElement("input"));
    var hint = root.querySelector(".ane-checker__zip-hint");
    if (!noFolders || !hint) return;
    hint.hidden = false;
    var folder = root.querySelector("#ane-folder");
    if (folder && folder.parentNode) folder.parentNode.hidden = true;
  }

  function shown(error) {
    // The last resort: whatever failed, the report says so instead of staying on "Checking…".
    var report = root.querySelector("#ane-report");
    report.textContent = "";
    report.appendChild(el("p", {"class": "ane-error"}, words.crashed + ": " + describe(error)));
  }

  function init() {
    root = document.getElementById("ane-checker");
    if (!root) return;
    words = WORDS[root.getAttribute("data-lang")] || WORDS.en;
    assets = root.getAttribute("data-assets");
    site = root.getAttribute("data-site");
    try { confidence = JSON.parse(root.getAttribute("data-confidence") || "{}"); } catch (error) { confidence = {}; }
    zipHint();
    var file = root.querySelector("#ane-file"), folder = root.querySelector("#ane-folder"), drop = root.querySelector(".ane-checker__drop");
    file.addEventListener("change", function () { check(Array.prototype.slice.call(file.files)).catch(shown); file.value = ""; });
    folder.addEventListener("change", function () { check(Array.prototype.slice.call(folder.files)).catch(shown); folder.value = ""; });
    drop.addEventListener("dragover", function (event) { event.preventDefault(); drop.classList.add("ane-checker__drop--over"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("ane-checker__drop--over"); });
    drop.addEventListener("drop", async function (event) {
      event.preventDefault();
      drop.classList.remove("ane-checker__drop--over");
      var files = [], items = event.dataTransfer.items;
      for (var i = 0; items && i < items.length; i += 1) {
        var entry = items[i].webkitGetAsEntry && items[i].webkitGetAsEntry();
        if (entry) await readEntry(entry, "", files);
      }
      if (!files.length) files = Array.prototype.slice.call(event.dataTransfer.files);
      check(files).catch(shown);
    });
    start().catch(function (error) { progress(0, words.failed + ": " + error.message); root.setAttribute("data-failed", "1"); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
