// budgetqa web chat: a conversation with cited answers; each citation opens its unit in the side panel.
// Vanilla JS, no external assets. Every text from the server or the user is inserted as text, never as HTML:
// nodes are built with el() (textContent, setAttribute); innerHTML and friends are never used. The server
// sends a Content-Security-Policy that allows only this script, so inline markup could not run anyway.
"use strict";

const STRINGS = {
  zh: {
    title: "预算问答",
    document: "A/78/6 (第 3 款) 政治事务",
    answerLanguage: "回答语言",
    auto: "自动",
    newChat: "新对话",
    ask: "提问",
    placeholder: "就文件提问，例如：政治建和部 2024 年的员额资源是多少？（Enter 发送，Shift+Enter 换行）",
    welcome:
      "就 2024 年拟议方案预算第 3 款（政治事务）提问，中文或英文均可。\n" +
      "每个回答都注明出处（如 ¶3.144、表 3.24）；点击出处可在右侧查看原文段落或表格。\n" +
      "文件没有提到的内容，系统会如实说明。",
    citations: "出处：",
    nearest: "最接近的段落：",
    confidence: "置信度",
    abstained: "文件中未找到",
    verification: "核查：",
    removedCitations: "已删除不存在的出处",
    removedFigures: "已删除引文中找不到的数字",
    thinking: "正在检索…",
    loadingUnit: "正在加载…",
    lines: "行",
    section: "位置",
    error: "出错了",
    network: "无法连接服务器",
    rowLabel: "项目",
    toggle: "EN",
    audit: "核查",
    overview: "概览",
    auditTitle: "一致性核查",
    auditCounts: (d, r) => `实质差异 ${d} 项，舍入差异 ${r} 项`,
    auditNone: "没有发现不一致之处。",
    overviewTitle: "按实体和资金来源列示的资源和员额",
    chartAlt: "资源概览图：各实体按资金来源列示的 2023 年和 2024 年资源",
    chartOpen: "在新标签页中以原尺寸打开图表",
    printedSide: "印出",
    otherSide: "对照",
    loading: "正在加载…",
  },
  en: {
    title: "Budget Q&A",
    document: "A/78/6 (Sect. 3) Political affairs",
    answerLanguage: "Answer in",
    auto: "auto",
    newChat: "New chat",
    ask: "Ask",
    placeholder:
      "Ask about the document, e.g. How much is proposed for special political missions in 2024? (Enter sends, Shift+Enter new line)",
    welcome:
      "Ask about the proposed programme budget for 2024, Section 3 (Political affairs), in English or Chinese.\n" +
      "Every answer cites its source (¶3.144, Table 3.24); click a citation to read the paragraph or table on the right.\n" +
      "When the document does not say, the answer says so.",
    citations: "Sources:",
    nearest: "Nearest passages:",
    confidence: "confidence",
    abstained: "Not in the document",
    verification: "Verification: ",
    removedCitations: "removed citations that do not exist",
    removedFigures: "removed figures no cited unit contains",
    thinking: "Searching…",
    loadingUnit: "Loading…",
    lines: "lines",
    section: "Section",
    error: "Error",
    network: "Cannot reach the server",
    rowLabel: "Item",
    toggle: "中文",
    audit: "Audit",
    overview: "Overview",
    auditTitle: "Consistency audit",
    auditCounts: (d, r) => `${d} discrepancies, ${r} within rounding`,
    auditNone: "No inconsistency found.",
    overviewTitle: "Resources and posts by body and funding source",
    chartAlt: "Overview chart: each body's resources by funding source, 2023 and 2024",
    chartOpen: "Open the chart full size in a new tab",
    printedSide: "printed",
    otherSide: "against",
    loading: "Loading…",
  },
};

const state = {
  uiLang: initialLanguage(),
  sessionId: newSessionId(),
  busy: false,
  answers: [], // {answer, element} for re-rendering labels when the UI language changes
  cards: [], // {element, load} audit and overview cards, loaded again in the new language
};

function initialLanguage() {
  const saved = window.localStorage.getItem("budgetqa.uiLang");
  if (saved === "zh" || saved === "en") return saved;
  const nav = (navigator.language || "zh").toLowerCase();
  return nav.startsWith("zh") ? "zh" : "en";
}

function newSessionId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  return "s-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
}

function t(key) {
  return STRINGS[state.uiLang][key] ?? STRINGS.zh[key] ?? key;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// ------------------------------------------------------------------ language

function applyLanguage() {
  document.documentElement.lang = state.uiLang === "zh" ? "zh-CN" : "en";
  document.title = "budgetqa — " + t("title");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  document.getElementById("question").placeholder = t("placeholder");
  document.getElementById("lang-toggle").textContent = t("toggle");
  for (const entry of state.answers) renderAnswerInto(entry.element, entry.answer);
  for (const card of state.cards) card.load(card.element);
}

function toggleLanguage() {
  state.uiLang = state.uiLang === "zh" ? "en" : "zh";
  window.localStorage.setItem("budgetqa.uiLang", state.uiLang);
  applyLanguage();
}

// ------------------------------------------------------------------ citations

// The server labels every citation in both languages (one formatter, budgetqa.ingest.refs.format_label:
// 附件三 / Annex III, 图 3.十四 / Figure 3.XIV); the fallback below only serves a citation without them.
function labelOf(citation) {
  const given = state.uiLang === "zh" ? citation.label : citation.label_en;
  return given || citationLabel(citation.kind, citation.ref);
}

function citationLabel(kind, ref) {
  const zh = state.uiLang === "zh";
  if (kind === "paragraph") return (zh ? "¶" : "para. ") + ref;
  if (kind === "table") return (zh ? "表 " : "Table ") + ref;
  if (kind === "figure") return (zh ? "图 " : "Figure ") + ref;
  if (kind === "annex") return (zh ? "附件" : "Annex ") + ref;
  if (kind === "foreword") return ((zh ? "前言 " : "Foreword ") + ref).trim();
  if (kind === "mandates") return ((zh ? "授权 " : "Mandates ") + ref).trim();
  return ref;
}

// "[表 3.24]", "¶3.144", "para. 3.144", "Table 3.24", "图 3.十四" inside answer text.
const INLINE_REF =
  /(¶\s?|第\s?|表\s?|图\s?|(?:para(?:graph)?\.?|table|figure)\s)(\d+\.[0-9一二三四五六七八九十百]+)/gi;

function kindOfPrefix(prefix) {
  const p = prefix.trim().toLowerCase();
  if (p === "表" || p === "table") return "table";
  if (p === "图" || p === "figure") return "figure";
  return "paragraph";
}

// Units named by evidence uids ("paragraph:3.202", "table:3.24", "row:3.24:0"), as citations to open.
function evidenceCitations(uids) {
  const out = [];
  const seen = new Set();
  for (const uid of uids || []) {
    const [kindPart, ref] = String(uid).split(":");
    if (!ref) continue;
    const kind = kindPart === "row" ? "table" : kindPart;
    if (seen.has(kind + ":" + ref)) continue;
    seen.add(kind + ":" + ref);
    out.push({ kind, ref, lines: [], quote: "" });
  }
  return out;
}

function answerTextNodes(text, citations) {
  const known = new Map(citations.map((c) => [c.kind + ":" + c.ref, c]));
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE_REF)) {
    const citation = known.get(kindOfPrefix(match[1]) + ":" + match[2]);
    if (!citation) continue;
    nodes.push(document.createTextNode(text.slice(last, match.index)));
    nodes.push(
      el("button", {
        type: "button",
        class: "inline-cite",
        "data-testid": "inline-citation",
        "data-kind": citation.kind,
        "data-ref": citation.ref,
        text: match[0],
        onclick: () => openUnit(citation),
      }),
    );
    last = match.index + match[0].length;
  }
  nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

// ------------------------------------------------------------------ conversation

function conversation() {
  return document.getElementById("conversation");
}

function scrollToEnd() {
  const pane = conversation();
  pane.scrollTop = pane.scrollHeight;
}

function addUserMessage(text) {
  document.getElementById("welcome")?.remove();
  conversation().append(el("div", { class: "msg user", "data-testid": "user-message", text }));
  scrollToEnd();
}

function addPendingAnswer() {
  const textNode = el("div", { class: "answer-text pending", "data-testid": "answer-text", text: "" });
  const element = el("div", { class: "msg answer", "data-testid": "answer", "data-state": "streaming" }, textNode);
  textNode.dataset.placeholder = "1";
  textNode.textContent = t("thinking");
  conversation().append(element);
  scrollToEnd();
  return element;
}

function appendToken(element, text) {
  if (!text) return; // a progress mark (the evidence is chosen), no words yet
  const textNode = element.querySelector(".answer-text");
  if (textNode.dataset.placeholder) {
    textNode.textContent = "";
    delete textNode.dataset.placeholder;
  }
  textNode.append(document.createTextNode(text));
  // A streamed draft: the model's words before verification; the checked answer replaces it.
  element.classList.add("draft");
  scrollToEnd();
}

function renderAnswerInto(element, answer) {
  element.replaceChildren();
  element.className = "msg answer" + (answer.abstained ? " abstained" : "");
  element.dataset.state = "done";
  element.dataset.abstained = String(Boolean(answer.abstained));
  element.dataset.language = answer.language || "";
  if (answer.abstained) {
    element.append(el("div", { class: "badge abstained", "data-testid": "abstained-badge", text: t("abstained") }));
  }
  let citations = Array.isArray(answer.citations) ? answer.citations : [];
  // An abstained answer may name its nearest passages only as evidence: offer those to open.
  if (answer.abstained && !citations.length) citations = evidenceCitations(answer.evidence);
  element.append(
    el("div", { class: "answer-text", "data-testid": "answer-text" }, ...answerTextNodes(answer.answer || "", citations)),
  );

  const footer = el("div", { class: "answer-footer" });
  if (citations.length) {
    footer.append(el("span", { class: "citations-label", text: answer.abstained ? t("nearest") : t("citations") }));
    for (const citation of citations) {
      footer.append(
        el("button", {
          type: "button",
          class: "chip",
          "data-testid": "citation-chip",
          "data-kind": citation.kind,
          "data-ref": citation.ref,
          "data-row": citation.row ?? null,
          "data-column": citation.column ?? null,
          title: citation.quote || null,
          text: labelOf(citation),
          onclick: (event) => {
            for (const chip of document.querySelectorAll(".chip.active")) chip.classList.remove("active");
            event.currentTarget.classList.add("active");
            openUnit(citation);
          },
        }),
      );
    }
  }
  const confidence = Math.max(0, Math.min(1, Number(answer.confidence) || 0));
  const fill = el("span");
  fill.style.width = Math.round(confidence * 100) + "%"; // CSSOM, not a style attribute: allowed by the page's CSP
  const meter = el("span", { class: "meter" }, fill);
  footer.append(
    el(
      "span",
      { class: "confidence", "data-testid": "confidence", "data-value": confidence.toFixed(2) },
      t("confidence") + " " + confidence.toFixed(2),
      meter,
    ),
  );
  element.append(footer);

  const verification = answer.verification || {};
  const notes = [];
  if ((verification.removed_citations || []).length) {
    notes.push(t("removedCitations") + ": " + verification.removed_citations.join(", "));
  }
  if ((verification.removed_figures || []).length) {
    notes.push(t("removedFigures") + ": " + verification.removed_figures.join(", "));
  }
  for (const note of verification.notes || []) notes.push(note);
  if (notes.length) {
    element.append(el("div", { class: "verification", "data-testid": "verification", text: t("verification") + notes.join("; ") }));
  }
  if (answer.mode && answer.mode !== "extractive") {
    element.append(el("div", { class: "mode", text: answer.mode }));
  }
}

function showAnswer(element, answer) {
  renderAnswerInto(element, answer);
  state.answers.push({ element, answer });
  scrollToEnd();
}

function showError(element, message) {
  element.replaceChildren();
  element.className = "msg error";
  element.dataset.state = "error";
  element.setAttribute("data-testid", "error");
  element.textContent = t("error") + ": " + message;
  scrollToEnd();
}

function errorDetail(body, status) {
  if (body && typeof body.detail === "string") return body.detail;
  if (body && body.detail) return JSON.stringify(body.detail);
  return "HTTP " + status;
}

// Reads a text/event-stream response: calls onEvent(name, data) for each event.
async function readEventStream(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
    buffer = buffer.replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
    if (done) return;
  }
}

async function ask(question) {
  const lang = document.getElementById("answer-lang").value || null;
  addUserMessage(question);
  const element = addPendingAnswer();
  let finished = false;
  try {
    const response = await fetch("/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ session_id: state.sessionId, message: question, lang }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      showError(element, errorDetail(body, response.status));
      return;
    }
    await readEventStream(response, (name, data) => {
      if (name === "token") appendToken(element, data.text || "");
      else if (name === "answer") {
        finished = true;
        showAnswer(element, data);
      } else if (name === "error") {
        finished = true;
        showError(element, data.detail || "");
      }
    });
    if (!finished) showError(element, t("network"));
  } catch (err) {
    showError(element, t("network") + " (" + err.message + ")");
  }
}

// ------------------------------------------------------------------ side panel

function normalise(text) {
  return String(text ?? "").replace(/\s+/g, "").toLowerCase();
}

function looksNumeric(text) {
  return /^[-–—\s(]*[\d.,\s]+%?\)?$/.test(String(text ?? "").trim()) || /^[-–—]$/.test(String(text ?? "").trim());
}

function columnOf(valueHeaders, column) {
  const want = column ? normalise(column) : null;
  if (want === null) return -1;
  const exact = valueHeaders.findIndex((h) => normalise(h) === want);
  return exact >= 0 ? exact : valueHeaders.findIndex((h) => normalise(h).includes(want));
}

// Further cells to mark in the table (an audit finding's other side): {row, column, sub_part}.
function otherCells(citation, valueHeaders) {
  return (citation && citation.others ? citation.others : []).map((cell) => ({
    row: normalise(cell.row),
    part: cell.sub_part || null,
    column: columnOf(valueHeaders, cell.column),
  }));
}

function renderTable(unit, citation) {
  const columns = unit.columns || [];
  const rows = unit.rows || [];
  const width = Math.max(0, ...rows.map((r) => (r.cells || []).length));
  // Columns either include the row-label column or start with the first value column.
  const headers = columns.length > width ? columns : [t("rowLabel"), ...columns];
  const labelHeader = headers[0];
  const valueHeaders = headers.slice(1);
  const wantRow = citation && citation.row ? normalise(citation.row) : null;
  const wantPart = citation && citation.sub_part ? citation.sub_part : null;
  const columnIndex = columnOf(valueHeaders, citation && citation.column);
  const others = otherCells(citation, valueHeaders);

  const headRow = el("tr", {}, el("th", { scope: "col", text: labelHeader }));
  valueHeaders.forEach((header, i) =>
    headRow.append(el("th", { scope: "col", class: i === columnIndex ? "hl-col" : null, text: header })),
  );
  const body = el("tbody");
  let part = null;
  let group = null;
  let highlighted = null;
  for (const row of rows) {
    const rowPart = row.part || null;
    if (rowPart && rowPart !== part) {
      body.append(el("tr", { class: "part-row" }, el("td", { colspan: headers.length, text: rowPart })));
      group = null;
    }
    part = rowPart;
    const rowGroup = row.group || null;
    if (rowGroup && rowGroup !== group) {
      body.append(el("tr", { class: "group-row" }, el("td", { colspan: headers.length, text: rowGroup })));
    }
    group = rowGroup;
    const label = normalise(row.label);
    const isHit =
      wantRow !== null && label === wantRow && (!wantPart || row.part === wantPart) && highlighted === null;
    const marked = new Set(
      others.filter((o) => o.row === label && (!o.part || o.part === (row.part || null))).map((o) => o.column),
    );
    const tr = el("tr", {
      class: [row.is_total ? "total" : "", isHit ? "hl-row" : ""].join(" ").trim() || null,
      "data-testid": isHit ? "highlighted-row" : "table-row",
    });
    tr.append(el("th", { scope: "row", text: row.label ?? "" }));
    (row.cells || []).forEach((cell, i) => {
      const hitCell = isHit && i === columnIndex;
      const otherCell = !hitCell && marked.has(i);
      tr.append(
        el("td", {
          class: [looksNumeric(cell) ? "num" : "", hitCell ? "hl-cell" : "", otherCell ? "hl-other" : ""].join(" ").trim() || null,
          "data-testid": hitCell ? "highlighted-cell" : otherCell ? "highlighted-other" : null,
          text: cell ?? "",
        }),
      );
    });
    if (isHit) highlighted = tr;
    body.append(tr);
  }
  const table = el("table", { "data-testid": "unit-table" }, el("thead", {}, headRow), body);
  return { table, highlighted };
}

// A pattern for `words` with any spacing between them (a source line against the unit's cleaned text).
function spacedPattern(words, flags) {
  const escaped = words.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(escaped.join("\\s*"), flags);
}

// The quoted line with an audit finding's figures marked in it (an annex row has no cells): the cited
// figure, and the figures it is set against.  A figure printed more than once in the line, or a nil
// ("—"), is left unmarked, since which of its places is meant cannot be told from the text.
function markFigures(segment, figures) {
  const spans = [];
  for (const figure of figures || []) {
    const words = (figure.text || "").trim();
    if (!words || /^[—–-]+$/.test(words)) continue;
    const found = [...segment.matchAll(spacedPattern(words, "g"))];
    if (found.length !== 1) continue;
    const start = found[0].index;
    const end = start + found[0][0].length;
    if (spans.some((s) => start < s.end && s.start < end)) continue;
    spans.push({ start, end, role: figure.role });
  }
  spans.sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  for (const span of spans) {
    parts.push(segment.slice(at, span.start));
    const printed = span.role === "printed";
    parts.push(
      el("mark", {
        class: printed ? "fig" : "fig-other",
        "data-testid": printed ? "highlighted-figure" : "highlighted-other-figure",
        text: segment.slice(span.start, span.end),
      }),
    );
    at = span.end;
  }
  parts.push(segment.slice(at));
  return parts;
}

function renderText(unit, citation) {
  const text = unit.text || "";
  const node = el("div", { class: "unit-text", "data-testid": "unit-text" });
  const quote = citation && citation.quote ? citation.quote.trim() : "";
  let at = quote ? text.indexOf(quote) : -1;
  let length = quote.length;
  if (quote && at < 0) {
    const match = spacedPattern(quote).exec(text);
    if (match) [at, length] = [match.index, match[0].length];
  }
  if (at >= 0) {
    const mark = el("mark", { "data-testid": "highlighted-quote" }, ...markFigures(text.slice(at, at + length), citation.figures));
    node.append(text.slice(0, at), mark, text.slice(at + length));
    return { node, highlighted: mark };
  }
  node.textContent = text;
  return { node, highlighted: null };
}

const CITABLE_KINDS = ["paragraph", "table", "figure", "annex", "foreword", "mandates"];

async function openUnit(citation) {
  const panel = document.getElementById("unit-panel");
  const body = document.getElementById("unit-body");
  panel.hidden = false;
  panel.dataset.ref = citation.ref;
  panel.dataset.kind = citation.kind;
  panel.dataset.state = "loading";
  document.getElementById("unit-label").textContent = labelOf(citation);
  document.getElementById("unit-title").textContent = "";
  document.getElementById("unit-meta").textContent = "";
  body.replaceChildren(el("div", { class: "loading", text: t("loadingUnit") }));

  const kind = CITABLE_KINDS.includes(citation.kind) ? citation.kind : null;
  const url = "/units/" + encodeURIComponent(citation.ref || citation.kind) + (kind ? "?kind=" + kind : "");
  let unit;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      body.replaceChildren(el("div", { class: "msg error", "data-testid": "unit-error", text: errorDetail(data, response.status) }));
      panel.dataset.state = "error";
      return;
    }
    unit = data;
  } catch (err) {
    body.replaceChildren(el("div", { class: "msg error", "data-testid": "unit-error", text: t("network") }));
    panel.dataset.state = "error";
    return;
  }
  if (panel.dataset.ref !== citation.ref || panel.dataset.kind !== citation.kind) return; // a later click won

  document.getElementById("unit-label").textContent = unit.label || citationLabel(unit.kind, unit.ref);
  const title = [unit.title, unit.english_label && unit.english_label !== unit.title ? unit.english_label : ""]
    .filter(Boolean)
    .join(" · ");
  document.getElementById("unit-title").textContent = title;
  const meta = [];
  if ((unit.section || []).length) meta.push(t("section") + ": " + unit.section.join(" › "));
  if ((unit.lines || []).length === 2) meta.push(t("lines") + " " + unit.lines[0] + "–" + unit.lines[1]);
  document.getElementById("unit-meta").textContent = meta.join(" · ");

  let highlighted = null;
  if (Array.isArray(unit.rows) && unit.rows.length) {
    const rendered = renderTable(unit, citation);
    const parts = [];
    if (unit.text && unit.kind !== "table") parts.push(renderText(unit, citation).node);
    body.replaceChildren(...parts, rendered.table);
    highlighted = rendered.highlighted;
  } else {
    const rendered = renderText(unit, citation);
    body.replaceChildren(rendered.node);
    highlighted = rendered.highlighted;
  }
  panel.dataset.state = "done";
  if (highlighted) highlighted.scrollIntoView({ block: "center" });
}

function closePanel() {
  const panel = document.getElementById("unit-panel");
  panel.hidden = true;
  for (const chip of document.querySelectorAll(".chip.active")) chip.classList.remove("active");
}

// ------------------------------------------------------------------ audit and overview

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(errorDetail(data, response.status));
  return data;
}

function addCard(kind, load) {
  document.getElementById("welcome")?.remove();
  const element = el("div", { class: "msg card " + kind, "data-testid": kind + "-card" });
  conversation().append(element);
  const card = { element, load };
  state.cards.push(card);
  load(element);
  return card;
}

// One side of a finding, opened with every cell of the finding in that unit marked.
function sideCitation(finding, side) {
  const others = finding.sides.filter((s) => s !== side && s.kind === side.kind && s.ref === side.ref);
  return {
    kind: side.kind,
    ref: side.ref,
    lines: [side.line, side.line],
    quote: side.quote,
    row: side.row,
    column: side.column,
    sub_part: side.sub_part,
    others,
    // the figures to mark in a line of text (an annex row): this side's, then the others' in the same unit
    figures: [side, ...others].map((s) => ({ text: s.printed, role: s === side ? "printed" : "other" })),
  };
}

// The printed side, then the first other side in each other unit (a unit opens with all its cells marked).
function chipSides(finding) {
  const printed = finding.sides.find((s) => s.role === "printed");
  const units = new Set([printed.kind + ":" + printed.ref]);
  const out = [printed];
  for (const side of finding.sides) {
    const unit = side.kind + ":" + side.ref;
    if (!units.has(unit)) {
      units.add(unit);
      out.push(side);
    }
  }
  return out;
}

function renderFinding(finding) {
  const chips = chipSides(finding).map((side) =>
    el("button", {
      type: "button",
      class: "chip side " + side.role,
      "data-testid": "finding-side",
      "data-role": side.role,
      "data-ref": side.ref,
      title: side.place + ": " + side.printed,
      text: (side.role === "printed" ? t("printedSide") : t("otherSide")) + " · " + side.place + ": " + side.printed,
      onclick: () => openUnit(sideCitation(finding, side)),
    }),
  );
  return el(
    "li",
    { class: "finding " + finding.class, "data-testid": "audit-finding", "data-class": finding.class, "data-check": finding.check },
    el("span", { class: "badge " + finding.class, text: finding.class_name }),
    el("div", { class: "finding-text", text: finding.sentence }),
    el("div", { class: "finding-sides" }, ...chips),
  );
}

async function loadAudit(element) {
  element.replaceChildren(el("div", { class: "loading", text: t("loading") }));
  try {
    const data = await fetchJson("/audit?lang=" + state.uiLang);
    const counts = data.counts || {};
    const list = el("ol", { class: "findings", "data-testid": "audit-findings" }, ...data.findings.map(renderFinding));
    element.replaceChildren(
      el("h2", { text: t("auditTitle") + " — " + data.document }),
      el("div", { class: "card-meta", "data-testid": "audit-counts", text: t("auditCounts")(counts.discrepancy || 0, counts.rounding || 0) }),
      data.findings.length ? list : el("div", { text: t("auditNone") }),
    );
  } catch (err) {
    element.replaceChildren(el("div", { class: "msg error", "data-testid": "error", text: t("error") + ": " + err.message }));
  }
  scrollToEnd();
}

async function loadOverview(element) {
  element.replaceChildren(el("div", { class: "loading", text: t("loading") }));
  try {
    const data = await fetchJson("/overview?lang=" + state.uiLang);
    const head = el("tr", {}, ...data.headers.map((h) => el("th", { scope: "col", text: h })));
    const body = el(
      "tbody",
      {},
      ...data.rows.map((cells) =>
        el("tr", {}, ...cells.map((cell, i) => el("td", { class: i >= 3 && i <= 6 ? "num" : null, text: cell }))),
      ),
    );
    const image = el("img", { src: data.chart, alt: t("chartAlt"), class: "chart", "data-testid": "overview-chart" });
    image.addEventListener("load", scrollToEnd);
    // The chart is drawn for a wide screen: in a narrow card its labels are small, so it opens full size.
    const chart = el("a", { href: data.chart, target: "_blank", rel: "noopener", title: t("chartOpen"), "data-testid": "overview-chart-link" }, image);
    element.replaceChildren(
      el("h2", { text: t("overviewTitle") + " — " + data.document }),
      el("div", { class: "table-wrap" }, el("table", { "data-testid": "overview-table" }, el("thead", {}, head), body)),
      el("ul", { class: "card-notes" }, ...data.notes.map((note) => el("li", { text: note }))),
      chart,
    );
  } catch (err) {
    element.replaceChildren(el("div", { class: "msg error", "data-testid": "error", text: t("error") + ": " + err.message }));
  }
  scrollToEnd();
}

// ------------------------------------------------------------------ wiring

function newChat() {
  state.sessionId = newSessionId();
  state.answers = [];
  state.cards = [];
  document.body.dataset.sessionId = state.sessionId;
  conversation().replaceChildren(el("div", { id: "welcome", class: "welcome", "data-i18n": "welcome", text: t("welcome") }));
  closePanel();
  document.getElementById("question").focus();
}

async function submit(event) {
  event.preventDefault();
  const input = document.getElementById("question");
  const question = input.value.trim();
  if (!question || state.busy) return;
  state.busy = true;
  const button = document.getElementById("ask-button");
  button.disabled = true;
  input.value = "";
  try {
    await ask(question);
  } finally {
    state.busy = false;
    button.disabled = false;
    input.focus();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.body.dataset.sessionId = state.sessionId;
  document.getElementById("ask-form").addEventListener("submit", submit);
  document.getElementById("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      document.getElementById("ask-form").requestSubmit();
    }
  });
  document.getElementById("lang-toggle").addEventListener("click", toggleLanguage);
  document.getElementById("new-chat").addEventListener("click", newChat);
  document.getElementById("show-audit").addEventListener("click", () => addCard("audit", loadAudit));
  document.getElementById("show-overview").addEventListener("click", () => addCard("overview", loadOverview));
  document.getElementById("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePanel();
  });
  applyLanguage();
  document.body.dataset.ready = "true";
});
