// The gtcp-gateway operator console: plain DOM, no framework. Everything a device controls
// (client names, acts, data) is inserted as text (textContent), never as markup.
"use strict";

const tokenKey = "gtcp-gateway-admin-token";
const refreshMilliseconds = 3000;
const pageSize = 50;

const state = {
  filter: { clientName: "", remoteAddress: "" },
  cursors: [null], // the cursor of each page up to the current one; null starts at the top
  next: null,
  total: 0,
  rows: [],
  selected: new Set(), // connection ids as strings
  highlighted: null,
  timer: null,
};

const $ = (id) => document.getElementById(id);

class Unauthorized extends Error {}

class APIError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

// Connection ids are 64-bit: above 2^53 a JavaScript number rounds one id to another, so every
// "id" is kept as its exact decimal digits. A quote inside a JSON string is always escaped, so
// the pattern meets only keys.
function parseAdminJSON(text) {
  return JSON.parse(text.replace(/"id":\s*(\d+)/g, '"id":"$1"'));
}

// The token travels in the Authorization header only: never in a URL or a cookie.
async function api(method, path, body) {
  const headers = {};
  const token = sessionStorage.getItem(tokenKey);
  if (token) headers.Authorization = "Bearer " + token;
  const init = { method, headers, cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) throw new Unauthorized();
  const text = await response.text();
  const json = text ? parseAdminJSON(text) : null;
  if (!response.ok) throw new APIError(response.status, (json && json.detail) || response.statusText);
  return json;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? "?" + text : "";
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// ---- token ----

function askForToken(refused) {
  stopRefreshing();
  $("console").hidden = true;
  $("counts").replaceChildren();
  $("connections-body").replaceChildren();
  $("token-form").hidden = false;
  $("token-error").textContent = refused ? "The gateway refused that token." : "";
  $("token-input").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, $("token-input").value);
  $("token-input").value = "";
  start();
});

// Any call answered 401 brings back the prompt; one that had a token says it was refused.
async function guarded(work) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Unauthorized) {
      const refused = sessionStorage.getItem(tokenKey) !== null;
      sessionStorage.removeItem(tokenKey);
      askForToken(refused);
      return undefined;
    }
    throw error;
  }
}

// ---- fleet ----

function formatAge(since) {
  let seconds = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  if (seconds < 60) return seconds + "s";
  const minutes = Math.floor(seconds / 60);
  seconds %= 60;
  if (minutes < 60) return minutes + "m " + seconds + "s";
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + "h " + (minutes % 60) + "m";
  return Math.floor(hours / 24) + "d " + (hours % 24) + "h";
}

const columns = [
  { title: "id", value: (c) => c.id, number: true },
  { title: "node", value: (c) => c.node, optional: true },
  { title: "client", value: (c) => c.clientName ?? "—" },
  { title: "remote address", value: (c) => c.remoteAddress },
  { title: "connected for", value: (c) => formatAge(c.connectedAt) },
  { title: "last active", value: (c) => formatAge(c.lastActiveAt) + " ago" },
  { title: "packets in", value: (c) => c.packetsIn, number: true },
  { title: "packets out", value: (c) => c.packetsOut, number: true },
  { title: "bytes in", value: (c) => c.bytesIn, number: true },
  { title: "bytes out", value: (c) => c.bytesOut, number: true },
  { title: "in flight", value: (c) => c.inFlight, number: true },
  { title: "TLS subject", value: (c) => c.clientCertificateSubject ?? "—" },
];

async function refreshFleet() {
  const cursor = state.cursors[state.cursors.length - 1];
  const page = await api("GET", "/connections" + query({ limit: pageSize, cursor, ...state.filter }));
  // A page emptied since (its connections gone) steps back rather than showing nothing.
  if (page.connections.length === 0 && state.cursors.length > 1) {
    state.cursors.pop();
    return refreshFleet();
  }
  state.rows = page.connections;
  state.next = page.next;
  state.total = page.total;
  renderFleet();
}

function renderFleet() {
  // The node column appears when the gateway reports one (clustered).
  const shown = columns.filter((column) => !column.optional || state.rows.some((c) => column.value(c) != null));
  const head = [element("th", "")];
  for (const column of shown) head.push(element("th", column.title, column.number ? "number" : ""));
  $("connections-head").replaceChildren(...head);

  const rows = state.rows.map((connection) => {
    const id = String(connection.id);
    const row = document.createElement("tr");
    row.dataset.id = id;
    if (connection.closing) row.classList.add("closing");
    if (id === state.highlighted) row.classList.add("highlighted");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = state.selected.has(id);
    box.setAttribute("aria-label", "select connection " + id);
    box.addEventListener("click", (event) => {
      event.stopPropagation();
      if (box.checked) state.selected.add(id);
      else state.selected.delete(id);
      renderStatus();
    });
    const boxCell = document.createElement("td");
    boxCell.append(box);
    row.append(boxCell);
    for (const column of shown) row.append(element("td", column.value(connection), column.number ? "number" : ""));
    row.addEventListener("click", () => {
      state.highlighted = state.highlighted === id ? null : id;
      renderFleet();
    });
    return row;
  });
  $("connections-body").replaceChildren(...rows);
  $("page-first").disabled = state.cursors.length === 1;
  $("page-next").disabled = state.next === null;
  $("page-status").textContent = "page " + state.cursors.length + " · " + state.total + " matching";
  renderStatus();
}

function renderStatus() {
  const highlighted = state.highlighted ? "#" + state.highlighted + " highlighted · " : "";
  $("fleet-status").textContent =
    highlighted + state.selected.size + " selected · updated " + new Date().toLocaleTimeString();
}

$("filter-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.filter = { clientName: $("filter-name").value.trim(), remoteAddress: $("filter-address").value.trim() };
  state.cursors = [null];
  refreshNow();
});

$("filter-clear").addEventListener("click", () => {
  $("filter-name").value = "";
  $("filter-address").value = "";
  state.filter = { clientName: "", remoteAddress: "" };
  state.cursors = [null];
  refreshNow();
});

$("page-first").addEventListener("click", () => {
  state.cursors = [null];
  refreshNow();
});

$("page-next").addEventListener("click", () => {
  if (state.next === null) return;
  state.cursors.push(state.next);
  refreshNow();
});

// ---- counts and charts ----

function renderCounts(history) {
  const items = [
    ["open", history.connectionsOpen.length ? history.connectionsOpen[history.connectionsOpen.length - 1] : "—"],
    ["accepted", history.connectionsAccepted],
  ];
  const closed = Object.entries(history.connectionsClosed).filter(([, count]) => count > 0);
  items.push(["closed", closed.reduce((sum, [, count]) => sum + count, 0)]);
  for (const [reason, count] of closed.sort()) items.push(["closed · " + reason.replaceAll("_", " "), count]);
  $("counts").replaceChildren(
    ...items.map(([name, value]) => {
      const item = document.createElement("div");
      item.dataset.count = name;
      item.append(element("dt", name), element("dd", value));
      return item;
    })
  );
}

const svgNamespace = "http://www.w3.org/2000/svg";

function svg(tag, attributes, text) {
  const node = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceCeiling(value) {
  if (value <= 1) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function formatNumber(value) {
  if (value === null || value === undefined) return "—";
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

// A line chart of the last `capacity` intervals, newest at the right; null values leave gaps.
function chart(title, unit, series, capacity, intervalSeconds) {
  const width = 460, height = 160, left = 40, right = 8, top = 8, bottom = 20;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const values = series.flatMap((s) => s.values).filter((v) => v !== null);
  const maximum = niceCeiling(Math.max(0, ...values));
  const x = (index, count) => left + ((capacity - count + index) / (capacity - 1)) * plotWidth;
  const y = (value) => top + plotHeight - (value / maximum) * plotHeight;

  const figure = element("figure");
  figure.dataset.chart = title;
  const latest = series.map((s) => s.name + " " + formatNumber(s.values[s.values.length - 1]));
  figure.append(element("figcaption", title + (unit ? " (" + unit + ")" : "")));

  const picture = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  picture.append(
    svg("line", { x1: left, y1: top, x2: width - right, y2: top, class: "axis" }),
    svg("line", { x1: left, y1: top + plotHeight, x2: width - right, y2: top + plotHeight, class: "axis" }),
    svg("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, formatNumber(maximum)),
    svg("text", { x: left - 6, y: top + plotHeight, "text-anchor": "end" }, "0")
  );
  const span = ((capacity - 1) * intervalSeconds) / 60;
  for (const minutesAgo of [span, (span * 2) / 3, span / 3, 0]) {
    const position = left + plotWidth * (1 - minutesAgo / span);
    const label = minutesAgo === 0 ? "now" : "−" + Math.round(minutesAgo) + " min";
    const anchor = minutesAgo === span ? "start" : minutesAgo === 0 ? "end" : "middle";
    picture.append(svg("text", { x: position, y: height - 4, "text-anchor": anchor }, label));
  }
  series.forEach((s, index) => {
    let points = [];
    const flush = () => {
      if (points.length > 0) picture.append(svg("polyline", { points: points.join(" "), class: "series-" + index }));
      points = [];
    };
    s.values.forEach((value, at) => {
      if (value === null) flush();
      else points.push(x(at, s.values.length).toFixed(1) + "," + y(value).toFixed(1));
    });
    flush();
  });
  figure.append(picture);

  const legend = element("div", undefined, "legend");
  series.forEach((s, index) => {
    const entry = element("span");
    entry.append(element("span", undefined, "swatch series-" + index), document.createTextNode(latest[index]));
    legend.append(entry);
  });
  figure.append(legend);
  return figure;
}

async function refreshCharts() {
  const history = await api("GET", "/history");
  renderCounts(history);
  const capacity = 900;
  const errorSeries = Object.entries(history.errors).filter(([, values]) => values.some((v) => v > 0));
  const charts = [
    ["Connections open", "", [["open", history.connectionsOpen]]],
    ["Packets", "per second", [["in", history.packetsIn], ["out", history.packetsOut]]],
    ["Forwarded acts", "per second", [["forwarded", history.forwarded]]],
    ["Upstream latency", "ms", [["p50", history.upstreamP50Ms], ["p99", history.upstreamP99Ms]]],
    ["Errors", "per second", errorSeries.length ? errorSeries : [["none", history.connectionsOpen.map(() => 0)]]],
  ];
  $("chart-grid").replaceChildren(
    ...charts.map(([title, unit, series]) =>
      chart(title, unit, series.map(([name, values]) => ({ name, values })), capacity, history.intervalSeconds)
    )
  );
}

// ---- actions ----

function showFieldsFor(kind) {
  for (const label of document.querySelectorAll("#action-form label[data-for]")) {
    label.hidden = !label.dataset.for.split(" ").includes(kind);
  }
}

$("action-kind").addEventListener("change", () => showFieldsFor($("action-kind").value));

function confirmCount(text) {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
  });
}

// Every id matching the filter, across pages.
async function matchingIDs() {
  const ids = [];
  let cursor = null;
  do {
    const page = await api("GET", "/connections" + query({ limit: 1000, cursor, ...state.filter }));
    ids.push(...page.connections.map((c) => String(c.id)));
    cursor = page.next;
  } while (cursor !== null);
  return ids;
}

function actionBody(kind) {
  const data = $("action-data").value;
  if (kind === "doexit") {
    const grace = $("action-grace").value;
    return grace === "" ? { data } : { data, graceSeconds: Number(grace) };
  }
  if (kind === "push") return { act: $("action-act").value, data };
  const body = { act: $("action-act").value, data, timeoutMs: Number($("action-timeout").value || 5000) };
  if ($("action-reply-act").value) body.replyAct = $("action-reply-act").value;
  return body;
}

const perConnection = {
  doexit: (id, body) => api("POST", `/connections/${id}/doexit`, body),
  push: (id, body) => api("POST", `/connections/${id}/messages`, body),
  request: (id, body) => api("POST", `/connections/${id}/requests`, body),
  close: (id) => api("DELETE", `/connections/${id}`),
};

const verbs = { doexit: "Send doexit to", push: "Push a message to", request: "Send a request to", close: "Close" };

async function runAction() {
  const kind = $("action-kind").value;
  const target = $("action-target").value;
  const body = actionBody(kind);
  const answers = $("action-answers");
  answers.replaceChildren();
  let ids;
  if (target === "one") {
    if (!state.highlighted) return say("Click a row to highlight a connection first.");
    ids = [state.highlighted];
  } else if (target === "selected") {
    ids = [...state.selected];
    if (ids.length === 0) return say("Select connections with their checkboxes first.");
  } else {
    if (state.total === 0) return say("No connection matches the filter.");
  }
  const count = ids ? ids.length : state.total;
  if (count > 1 && !(await confirmCount(`${verbs[kind]} ${count} connections?`))) return say("Cancelled.");

  // doexit and push on every match are one call each; the rest go connection by connection.
  if (!ids && kind === "doexit") {
    const result = await api("POST", "/connections/doexit" + query(state.filter), body);
    return say(`doexit sent to ${result.told} connections.`);
  }
  if (!ids && kind === "push") {
    const result = await api("POST", "/messages" + query(state.filter), body);
    return say(`Message sent to ${result.sent} connections.`);
  }
  ids = ids || (await matchingIDs());
  let done = 0;
  for (const id of ids) {
    try {
      const result = await perConnection[kind](id, body);
      done += 1;
      if (kind === "request") answers.append(element("li", `#${id} answered ${result.act}: ${result.data}`));
      if (kind === "doexit" || kind === "close") {
        state.selected.delete(id);
        if (state.highlighted === id) state.highlighted = null;
      }
    } catch (error) {
      if (error instanceof Unauthorized) throw error;
      answers.append(element("li", `#${id}: ${error.message}`, "error"));
    }
  }
  say(`${verbs[kind]} ${done} of ${ids.length} connections: done.`);
}

function say(text) {
  $("action-result").textContent = text;
}

$("action-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("action-run").disabled = true;
  try {
    await guarded(runAction);
    await refreshNow();
  } catch (error) {
    say(error.message);
  } finally {
    $("action-run").disabled = false;
  }
});

// ---- refreshing ----

async function refreshNow() {
  await guarded(async () => {
    try {
      await Promise.all([refreshFleet(), refreshCharts()]);
    } catch (error) {
      if (error instanceof Unauthorized) throw error;
      $("fleet-status").textContent = "not updated: " + error.message;
    }
  });
}

function stopRefreshing() {
  clearInterval(state.timer);
  state.timer = null;
}

async function start() {
  $("token-form").hidden = true;
  await refreshNow();
  if (!$("token-form").hidden) return;
  $("console").hidden = false;
  stopRefreshing();
  state.timer = setInterval(refreshNow, refreshMilliseconds);
}

showFieldsFor($("action-kind").value);
start();
