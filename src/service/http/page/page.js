// The analysis viewer: sends the page or text to POST /v1/analyze (offsets in UTF-16 units, as
// JavaScript strings count) and draws the answer. No framework, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
let chosenFile = null;

function setStatus(message, isError) {
  const s = $("status");
  s.textContent = message;
  s.classList.toggle("error", Boolean(isError));
}

function chooseFile(file) {
  chosenFile = file || null;
  $("file-name").textContent = chosenFile ? chosenFile.name + " (" + chosenFile.size.toLocaleString() + " bytes)" : "";
  $("clear-file").hidden = !chosenFile;
}

$("file").addEventListener("change", (e) => chooseFile(e.target.files[0]));
$("clear-file").addEventListener("click", () => { $("file").value = ""; chooseFile(null); });
const drop = $("drop");
for (const name of ["dragenter", "dragover"]) {
  drop.addEventListener(name, (e) => { e.preventDefault(); drop.classList.add("over"); });
}
for (const name of ["dragleave", "drop"]) {
  drop.addEventListener(name, () => drop.classList.remove("over"));
}
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  if (e.dataTransfer.files.length) chooseFile(e.dataTransfer.files[0]);
});
$("show-words").addEventListener("change", (e) => $("doc").classList.toggle("show-words", e.target.checked));
$("show-removed").addEventListener("change", (e) => $("doc").classList.toggle("hide-removed", !e.target.checked));

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function requestBody() {
  const stages = ["STAGE_SEGMENT"];
  if ($("stage-extract").checked) stages.push("STAGE_EXTRACT");
  if ($("stage-entities").checked) stages.push("STAGE_ENTITIES");
  if ($("stage-pos").checked) stages.push("STAGE_POS");
  let document_;
  if (chosenFile) {
    // Raw bytes: the server tells HTML from text and sniffs the charset, as for a crawler.
    document_ = { id: chosenFile.name, raw: base64(await chosenFile.arrayBuffer()) };
  } else {
    const text = $("text").value;
    if (!text.trim()) return null;
    document_ = /^\s*</.test(text) ? { id: "pasted", html: text } : { id: "pasted", text: text };
  }
  return { document: document_, stages: stages, offsetUnit: "OFFSET_UNIT_UTF16", includeRemoved: true };
}

$("input").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = await requestBody();
  if (!body) { setStatus("Hãy dán văn bản hoặc chọn một tệp. (Paste text or choose a file.)", true); return; }
  setStatus("Đang phân tích … (analysing)");
  $("analyse").disabled = true;
  const headers = { "content-type": "application/json" };
  const token = $("token").value.trim();
  if (token) headers.authorization = "Bearer " + token;
  const started = performance.now();
  try {
    const response = await fetch("/v1/analyze", { method: "POST", headers: headers, body: JSON.stringify(body) });
    const answer = await response.json();
    const ms = performance.now() - started;
    if (!response.ok || answer.error) {
      const err = answer.error || {};
      setStatus("HTTP " + response.status + " " + (err.status || "") + ": " + (err.message || "request failed"), true);
      return;
    }
    render(answer, response.headers.get("server-timing"));
    $("raw-json").textContent = JSON.stringify(answer, null, 1);
    setStatus("Xong sau " + ms.toFixed(0) + " ms. (Done in " + ms.toFixed(0) + " ms.)");
  } catch (err) {
    setStatus("Lỗi: " + err, true);
  } finally {
    $("analyse").disabled = false;
  }
});

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderMeta(answer) {
  const meta = $("meta");
  meta.replaceChildren();
  const m = answer.metadata || {};
  const rows = [
    ["Ngày đăng (published)", m.published],
    ["Tác giả (author)", m.author],
    ["Nguồn (source)", (m.sourceCredits || []).join("; ")],
    ["Trang (site)", m.siteName],
    ["Ngôn ngữ (language)", m.language],
    ["URL", m.canonicalUrl],
    ["Tóm tắt (description)", m.description],
    ["Dấu vân tay (fingerprint)", answer.fingerprint],
    ["Ghi chú (notes)", (answer.notes || []).join(" ")],
  ];
  for (const [name, value] of rows) {
    if (!value) continue;
    meta.append(el("dt", {}, name), el("dd", {}, String(value)));
  }
}

function renderTimings(header) {
  const t = $("timings");
  if (!header) { t.textContent = ""; return; }
  const parts = header.split(",").map((p) => {
    const [name, dur] = p.trim().split(";dur=");
    return name + " " + Number(dur).toFixed(2) + " ms";
  });
  t.textContent = "Thời gian từng bước (time per stage): " + parts.join(" · ");
}

function renderLegend(entities) {
  const legend = $("legend");
  legend.replaceChildren();
  const counts = new Map();
  for (const e of entities) counts.set(e.label, (counts.get(e.label) || 0) + 1);
  for (const [label, n] of [...counts.entries()].sort()) {
    legend.append(el("span", { class: "key l-" + label }, label + " " + n));
  }
}

// Words of [a, b) as spans, the text between them as it is.
function appendWords(parent, text, tokens, a, b) {
  let pos = a;
  let i = firstEndingAfter(tokens, a);
  for (; i < tokens.length && tokens[i].start < b; i++) {
    const s = Math.max(tokens[i].start, a);
    const e = Math.min(tokens[i].end, b);
    if (s > pos) parent.append(text.slice(pos, s));
    const attrs = { class: "w" };
    if (tokens[i].tag) attrs["data-tag"] = tokens[i].tag;
    parent.append(el("span", attrs, text.slice(s, e)));
    pos = e;
  }
  if (pos < b) parent.append(text.slice(pos, b));
}

function firstEndingAfter(items, a) {
  let lo = 0, hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].end <= a) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// [a, b) of the text with its entities marked and its words as spans.
function appendRange(parent, text, entities, tokens, a, b) {
  let pos = a;
  for (let i = firstEndingAfter(entities, a); i < entities.length && entities[i].start < b; i++) {
    const ent = entities[i];
    const s = Math.max(ent.start, a), e = Math.min(ent.end, b);
    if (s > pos) appendWords(parent, text, tokens, pos, s);
    const tip = ent.label + (ent.value ? " = " + ent.value : "") +
      (ent.confidence !== undefined ? " · " + Number(ent.confidence).toFixed(2) : "");
    const mark = el("mark", { class: "ent l-" + ent.label, "data-label": ent.label, "data-tip": tip, title: tip, tabindex: "0" });
    appendWords(mark, text, tokens, s, e);
    parent.append(mark);
    pos = e;
  }
  if (pos < b) appendWords(parent, text, tokens, pos, b);
}

// "Kept 11 blocks; removed 34: related 20, boilerplate 9, byline 4, caption 1": what a site
// loses at a glance.
function renderBlocksSummary(blocks) {
  const summary = $("blocks-summary");
  if (!blocks.length) { summary.textContent = ""; return; }
  const removed = new Map();
  let kept = 0;
  for (const b of blocks) {
    if (b.kept) { kept++; continue; }
    removed.set(b.kind || "removed", (removed.get(b.kind || "removed") || 0) + 1);
  }
  const kinds = [...removed.entries()].sort((x, y) => y[1] - x[1]).map(([k, n]) => k + " " + n);
  const total = blocks.length - kept;
  summary.textContent = "Giữ (kept) " + kept + " khối / blocks; bỏ (removed) " + total +
    (kinds.length ? ": " + kinds.join(", ") : "");
}

function render(answer, timing) {
  $("result").hidden = false;
  $("title").textContent = answer.title || "(không có tiêu đề / no title)";
  renderMeta(answer);
  renderTimings(timing);
  const text = answer.text || "";
  const entities = (answer.entities || []).slice().sort((x, y) => x.start - y.start);
  const tokens = [];
  for (const s of answer.sentences || []) for (const t of s.tokens || []) tokens.push({ start: t.start || 0, end: t.end, tag: t.tag });
  for (const e of entities) e.start = e.start || 0;
  renderLegend(entities);
  const doc = $("doc");
  doc.replaceChildren();
  const blocks = answer.blocks || [];
  renderBlocksSummary(blocks);
  if (!blocks.length) {
    const p = el("p");
    appendRange(p, text, entities, tokens, 0, text.length);
    doc.append(p);
    return;
  }
  // Removed blocks in place; a run of them with the same kind and reason (a menu of 40 links)
  // is one box, its first lines shown and the rest behind a disclosure.
  let run = [];
  const flushRun = () => {
    if (run.length) doc.append(removedBox(run));
    run = [];
  };
  for (const b of blocks) {
    if (b.kept) {
      flushRun();
      const p = el("p", { class: "kept kind-" + (b.kind || "body") });
      appendRange(p, text, entities, tokens, b.start || 0, b.end || 0);
      doc.append(p);
    } else {
      if (run.length && (run[0].kind !== b.kind || run[0].reason !== b.reason)) flushRun();
      run.push(b);
    }
  }
  flushRun();
}

const SHOWN_OF_A_RUN = 3;

function removedBox(run) {
  const box = el("div", { class: "removed", "data-kind": run[0].kind || "", "data-count": String(run.length) });
  const why = el("span", { class: "why" });
  why.append(el("span", { class: "kind" }, run[0].kind || "removed"), run[0].reason || "");
  if (run.length > 1) why.append(" · " + run.length + " khối (blocks)");
  box.append(why);
  const list = (items) => {
    const ul = el("ul", { class: "removed-text" });
    for (const b of items) ul.append(el("li", {}, b.text || ""));
    return ul;
  };
  const shown = run.length > SHOWN_OF_A_RUN + 1 ? SHOWN_OF_A_RUN : run.length;
  box.append(list(run.slice(0, shown)));
  if (shown < run.length) {
    const more = el("details");
    more.append(el("summary", {}, "thêm " + (run.length - shown) + " (show " + (run.length - shown) + " more)"), list(run.slice(shown)));
    box.append(more);
  }
  return box;
}
