// deno-lint-ignore-file no-window
// The dashboard page's script (served at /dashboard/app.js): resource tables refreshed from the admin
// API, per-revision charts (uPlot, served by the platform) fed by /dashboard/history and the live
// /dashboard/stream, an editable traffic split per Service, and a log view that follows.
"use strict";

const m = location.hash.match(/token=([^&]+)/);
if (m) {
  sessionStorage.setItem("denative-token", decodeURIComponent(m[1]));
  history.replaceState(null, "", location.pathname);
}
const token = sessionStorage.getItem("denative-token");
const auth = { authorization: "Bearer " + token };
const $ = (sel) => document.querySelector(sel);
const esc = (s) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]),
  );
const ready = (o) => (o.status?.conditions ?? []).find((c) => c.type === "Ready") ?? { status: "Unknown" };
const COLORS = ["#3b6fd8", "#e07b39", "#2f9e6e", "#b04fc0", "#c9a227", "#d64550"];

/** A revision's resource limits and timeouts, as the revisions table shows them. */
function limitsOf(v) {
  const l = v.spec?.containers?.[0]?.resources?.limits ?? {};
  return [
    l.memory ? "memory " + esc(l.memory) : "",
    l.cpu ? "cpu " + esc(l.cpu) : "",
    v.spec?.timeoutSeconds ? "timeout " + v.spec.timeoutSeconds + "s" : "",
    v.spec?.idleTimeoutSeconds ? "idle " + v.spec.idleTimeoutSeconds + "s" : "",
  ].filter(Boolean).join("<br>");
}

async function get(path) {
  const r = await fetch(path, { headers: auth });
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}

const state = { services: [], revisions: [], points: [], traceUi: null, selected: null, editing: null };
window.denative = { state, charts: {} };

// ---- resources -----------------------------------------------------------------------------------

function splitBar(svc) {
  const traffic = (svc.status?.traffic ?? []).filter((t) => t.percent > 0);
  if (!traffic.length) return "<span class='muted'>no traffic yet</span>";
  return "<div class='split'>" +
    traffic.map((t, i) =>
      "<span class='seg' style='flex:" + t.percent + ";background:" + COLORS[i % COLORS.length] +
      "' title='" +
      esc(t.revisionName) + " " + t.percent + "%'>" + esc(t.revisionName) + " " + t.percent + "%" +
      (t.tag ? " #" + esc(t.tag) : "") + "</span>"
    ).join("") + "</div>";
}

function renderServices() {
  $("#services tbody").innerHTML = state.services.map((s) => {
    const r = ready(s);
    const key = s.metadata.namespace + "/" + s.metadata.name;
    return "<tr><td>" + esc(key) + "</td><td><a href='" + esc(s.status?.url) + "'>" + esc(s.status?.url) +
      "</a></td><td>" + esc(s.status?.latestReadyRevisionName) + "</td><td class='traffic'>" + splitBar(s) +
      " <button class='edit-split' data-svc='" + esc(key) + "'>Edit split</button></td><td class='" +
      r.status +
      "'>" + r.status + "</td></tr>" +
      (state.editing === key
        ? "<tr class='editor-row'><td colspan='5'>" + splitEditor(s) + "</td></tr>"
        : "");
  }).join("");
}

function splitEditor(svc) {
  const revs = state.revisions.filter((v) =>
    v.metadata.namespace === svc.metadata.namespace &&
    v.metadata.labels?.["serving.knative.dev/service"] === svc.metadata.name
  );
  const current = new Map((svc.status?.traffic ?? []).map((t) => [t.revisionName, t]));
  return "<form class='split-editor' data-svc='" + esc(svc.metadata.namespace + "/" + svc.metadata.name) +
    "'>" +
    revs.map((v) => {
      const t = current.get(v.metadata.name);
      return "<label>" + esc(v.metadata.name) +
        " <input type='number' min='0' max='100' name='pct' data-rev='" +
        esc(v.metadata.name) + "' value='" + (t?.percent ?? 0) + "'>% tag <input name='tag' data-rev='" +
        esc(v.metadata.name) + "' value='" + esc(t?.tag ?? "") + "' size='8'></label>";
    }).join("") +
    "<button type='submit'>Save split</button> <button type='button' class='cancel'>Cancel</button> <span class='msg'></span></form>";
}

async function saveSplit(form) {
  const [ns, name] = form.dataset.svc.split("/");
  const path = "/apis/serving.knative.dev/v1/namespaces/" + ns + "/services/" + name;
  const svc = await get(path);
  const traffic = [];
  for (const input of form.querySelectorAll("input[name=pct]")) {
    const rev = input.dataset.rev;
    const percent = Number(input.value);
    const tag = form.querySelector("input[name=tag][data-rev='" + rev + "']").value.trim();
    if (percent > 0 || tag) traffic.push({ revisionName: rev, percent, ...(tag ? { tag } : {}) });
  }
  svc.spec.traffic = traffic;
  const r = await fetch(path, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(svc),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(body.message ?? "saving the split failed: " + r.status);
  state.editing = null;
  renderServices();
  await refresh();
}

function renderRevisions() {
  $("#revisions tbody").innerHTML = state.revisions.map((v) => {
    const r = ready(v);
    const key = v.metadata.namespace + "/" + v.metadata.name;
    const avg = recentAverage((pt) => {
      const r = pt.revisions[key];
      return r && r.rps2xx + r.rps3xx + r.rps4xx + r.rps5xx;
    });
    const rps = (avg ?? 0).toFixed(1);
    return "<tr><td><a href='#' class='pick' data-rev='" + esc(key) + "'>" + esc(v.metadata.name) +
      "</a></td><td>" +
      esc(v.metadata.labels?.["serving.knative.dev/service"]) + "</td><td>" +
      (v.status?.actualReplicas ?? 0) + " / " +
      (v.status?.desiredReplicas ?? 0) + "</td><td>" + limitsOf(v) + "</td><td>" + rps + "</td><td class='" +
      r.status + "'>" + r.status +
      "</td><td><button class='open-logs' data-rev='" + esc(key) + "' data-svc='" +
      esc(v.metadata.labels?.["serving.knative.dev/service"]) + "'>Logs</button></td></tr>";
  }).join("");
  const options = state.revisions.map((v) => v.metadata.namespace + "/" + v.metadata.name);
  const select = $("#rev-select");
  if (select.dataset.options !== options.join(",")) {
    select.innerHTML = options.map((o) => "<option>" + esc(o) + "</option>").join("");
    select.dataset.options = options.join(",");
    if (!state.selected || !options.includes(state.selected)) {
      const withTraffic = state.services.flatMap((s) =>
        (s.status?.traffic ?? []).filter((t) => t.percent > 0)
          .map((t) => s.metadata.namespace + "/" + t.revisionName)
      );
      state.selected = withTraffic.find((o) => options.includes(o)) ?? options[0] ?? null;
    }
    if (state.selected) select.value = state.selected;
    drawCharts();
  }
}

const EVENTING_KINDS = [
  ["Broker", "/apis/eventing.knative.dev/v1/brokers"],
  ["Trigger", "/apis/eventing.knative.dev/v1/triggers"],
  ["PingSource", "/apis/sources.knative.dev/v1/pingsources"],
  ["ApiServerSource", "/apis/sources.knative.dev/v1/apiserversources"],
  ["SinkBinding", "/apis/sources.knative.dev/v1/sinkbindings"],
  ["KafkaSource", "/apis/sources.knative.dev/v1/kafkasources"],
  ["GitHubSource", "/apis/sources.knative.dev/v1alpha1/githubsources"],
  ["KafkaSink", "/apis/eventing.knative.dev/v1alpha1/kafkasinks"],
];
let eventingItems = [];

/** A series averaged over the points of the last 30 seconds (rates read better than one 2 s sample). */
function recentAverage(pick) {
  const since = (state.points.at(-1)?.t ?? 0) - 30_000;
  const values = state.points.filter((p) => p.t >= since).map(pick).filter((v) =>
    v !== undefined && v !== null
  );
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

function renderEventing() {
  const last = state.points.at(-1);
  const num = (v) => v === null || v === undefined ? "" : Number(v).toFixed(v % 1 ? 2 : 0);
  $("#eventing tbody").innerHTML = eventingItems.map(([kind, o]) => {
    const r = ready(o);
    const where = o.status?.address?.url ?? o.status?.sinkUri ?? o.status?.subscriberUri ?? o.status?.url ??
      "";
    const key = kind + " " + o.metadata.namespace + "/" + o.metadata.name;
    const avg = (field) => recentAverage((pt) => pt.eventing[key]?.[field]);
    const p = last?.eventing[key] &&
      {
        in: avg("in"),
        delivered: avg("delivered"),
        retried: avg("retried"),
        deadLettered: avg("deadLettered"),
        lag: last.eventing[key].lag,
      };
    return "<tr><td>" + kind + "</td><td>" + esc(o.metadata.namespace + "/" + o.metadata.name) + "</td><td>" +
      esc(where) + "</td><td>" + num(p?.in) + "</td><td>" + num(p?.delivered) + "</td><td>" +
      num(p?.retried) +
      "</td><td>" + num(p?.deadLettered) + "</td><td>" + num(p?.lag) + "</td><td class='" + r.status + "'>" +
      r.status + "</td></tr>";
  }).join("");
}

async function refresh() {
  try {
    const [svcs, revs] = await Promise.all([
      get("/apis/serving.knative.dev/v1/services"),
      get("/apis/serving.knative.dev/v1/revisions"),
    ]);
    state.services = svcs.items;
    state.revisions = revs.items;
    if (!state.editing) renderServices();
    renderRevisions();
    const lists = await Promise.all(EVENTING_KINDS.map(([, path]) => get(path).catch(() => ({ items: [] }))));
    eventingItems = lists.flatMap((list, k) => list.items.map((o) => [EVENTING_KINDS[k][0], o]));
    renderEventing();
    renderLogServices();
    await renderNodes();
    $("#err").textContent = "";
  } catch (e) {
    $("#err").textContent = token ? String(e) : "Open the link deno task serve printed to log in.";
  }
}

/** Whether this platform serves nodes (cluster mode, --database), asked once of the core discovery. */
let servesNodes;

/** Cluster mode only: the nodes and their heartbeat-driven Ready condition. */
async function renderNodes() {
  if (servesNodes === undefined) {
    const core = await get("/api/v1").catch(() => ({ resources: [] }));
    servesNodes = (core.resources ?? []).some((r) => r.name === "nodes");
  }
  if (!servesNodes) return;
  const nodes = await get("/api/v1/nodes").catch(() => ({ items: [] }));
  $("#nodes-panel").hidden = nodes.items.length === 0;
  $("#nodes tbody").innerHTML = nodes.items.map((n) => {
    const r = ready(n);
    const ip = (n.status?.addresses ?? []).find((a) => a.type === "InternalIP")?.address ?? "";
    const port = n.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    return "<tr><td>" + esc(n.metadata.name) + "</td><td>" + esc(port ? ip + ":" + port : ip) +
      "</td><td class='" +
      r.status + "'>" + (r.status === "True" ? "Ready" : "NotReady") + "</td><td>" + esc(r.reason ?? "") +
      "</td></tr>";
  }).join("");
}

// ---- charts --------------------------------------------------------------------------------------

const CHARTS = [
  {
    id: "rps",
    title: "Requests/s by status",
    series: [["2xx", "rps2xx", "#2f9e6e"], ["3xx", "rps3xx", "#3b6fd8"], ["4xx", "rps4xx", "#c9a227"], [
      "5xx",
      "rps5xx",
      "#d64550",
    ]],
  },
  { id: "latency", title: "Latency ms", series: [["p50", "p50", "#3b6fd8"], ["p99", "p99", "#b04fc0"]] },
  {
    id: "instances",
    title: "Instances",
    series: [["actual", "actual", "#2f9e6e"], ["desired", "desired", "#e07b39"]],
  },
  { id: "cold", title: "Cold starts", series: [["cold starts", "coldStarts", "#3b6fd8"]] },
  { id: "panic", title: "Panic mode", series: [["panic", "panic", "#d64550"]] },
];

function chartData(chart) {
  const key = state.selected;
  const xs = state.points.map((p) => p.t / 1000);
  return [xs, ...chart.series.map(([, field]) => state.points.map((p) => p.revisions[key]?.[field] ?? null))];
}

const WINDOW_S = 15 * 60;

/** The last 15 minutes, ending at the newest point (or now). */
function timeRange() {
  const end = (state.points.at(-1)?.t ?? Date.now()) / 1000;
  return [end - WINDOW_S, end];
}

function drawCharts() {
  const box = $("#charts");
  box.innerHTML = "";
  const divs = CHARTS.map((chart) => {
    const div = document.createElement("div");
    div.className = "chart";
    div.id = "chart-" + chart.id;
    box.appendChild(div);
    return div;
  });
  CHARTS.forEach((chart, i) => {
    window.denative.charts[chart.id] = new uPlot(
      {
        title: chart.title,
        width: Math.max(240, divs[i].clientWidth || 300),
        height: 170,
        scales: {
          x: { time: true, range: () => timeRange() },
          y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] },
        },
        series: [
          {},
          ...chart.series.map(([label, , stroke]) => ({ label, stroke, width: 2, spanGaps: false })),
        ],
        axes: [{}, { size: 50 }],
      },
      chartData(chart),
      divs[i],
    );
  });
}

function updateCharts() {
  for (const chart of CHARTS) window.denative.charts[chart.id]?.setData(chartData(chart));
}

async function startCharts() {
  try {
    const h = await get("/dashboard/history");
    state.points = h.points;
    state.traceUi = h.traceUi;
    drawCharts();
  } catch (e) {
    $("#err").textContent = String(e);
    return;
  }
  followStream("/dashboard/stream", (line) => {
    if (!line.startsWith("data: ")) return;
    const p = JSON.parse(line.slice(6));
    state.points.push(p);
    const oldest = p.t - 15 * 60 * 1000;
    while (state.points.length && state.points[0].t < oldest) state.points.shift();
    updateCharts();
    renderEventing();
    $("#live").textContent = "live · " + new Date(p.t).toLocaleTimeString();
  });
}

/** Reads a streaming response line by line (SSE or JSON lines); reconnects when it ends. */
async function followStream(path, onLine, signal) {
  while (!signal?.aborted) {
    try {
      const r = await fetch(path, { headers: auth, signal });
      if (!r.ok) throw new Error(path + ": " + r.status);
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let rest = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += value;
        const lines = rest.split("\n");
        rest = lines.pop();
        for (const line of lines) if (line) onLine(line);
      }
    } catch {
      if (signal?.aborted) return;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

// ---- logs ----------------------------------------------------------------------------------------

let logAbort = null;
let logEntries = [];

function renderLogServices() {
  const select = $("#log-service");
  const names = state.services.map((s) => s.metadata.namespace + "/" + s.metadata.name);
  if (select.dataset.options === names.join(",")) return;
  const keep = select.value;
  select.innerHTML = "<option value=''>(choose a service)</option>" +
    names.map((n) => "<option>" + esc(n) + "</option>").join("");
  select.dataset.options = names.join(",");
  if (names.includes(keep)) select.value = keep;
}

let logRenderPending = false;

/** Renders the log view at most four times a second however fast lines arrive. */
function scheduleLogRender() {
  if (logRenderPending) return;
  logRenderPending = true;
  setTimeout(() => {
    logRenderPending = false;
    renderLogs();
  }, 250);
}

function renderLogs() {
  const filter = $("#log-filter").value.toLowerCase();
  const shown = logEntries.filter((e) => !filter || JSON.stringify(e).toLowerCase().includes(filter)).slice(
    -500,
  );
  $("#log-lines").innerHTML = shown.map((e) => {
    const trace = e.traceId && state.traceUi
      ? " <a class='trace' target='_blank' href='" + esc(state.traceUi + "traces/" + e.traceId) +
        "'>trace</a>"
      : "";
    return "<div class='log " + (e.kind === "access" ? "access" : e.level) + "'><span class='t'>" +
      esc(new Date(e.time).toISOString().slice(11, 23)) + "</span> <span class='w'>" +
      esc(e.revision + (e.instance !== undefined ? "/" + e.instance : "")) + "</span> " +
      esc(e.kind === "access" ? "ACCESS" : e.level.toUpperCase()) + " " + esc(e.message) + trace + "</div>";
  }).join("");
  const box = $("#log-lines");
  box.scrollTop = box.scrollHeight;
}

async function openLogs() {
  logAbort?.abort();
  logEntries = [];
  renderLogs();
  const svc = $("#log-service").value;
  if (!svc) return;
  const [ns, name] = svc.split("/");
  const params = new URLSearchParams({ tail: "200" });
  const rev = $("#log-revision").value.trim();
  if (rev) params.set("revision", rev);
  const follow = $("#log-follow").checked;
  if (follow) params.set("follow", "true");
  const path = "/logs/namespaces/" + ns + "/services/" + name + "?" + params;
  logAbort = new AbortController();
  if (!follow) {
    const r = await fetch(path, { headers: auth });
    logEntries = (await r.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l));
    renderLogs();
    return;
  }
  followStream(path, (line) => {
    logEntries.push(JSON.parse(line));
    if (logEntries.length > 2000) logEntries.splice(0, logEntries.length - 2000);
    scheduleLogRender();
  }, logAbort.signal);
}

// ---- wiring --------------------------------------------------------------------------------------

document.addEventListener("click", async (e) => {
  const t = e.target;
  if (t.matches(".edit-split")) {
    state.editing = t.dataset.svc;
    renderServices();
  } else if (t.matches(".split-editor .cancel")) {
    state.editing = null;
    renderServices();
  } else if (t.matches(".pick")) {
    e.preventDefault();
    state.selected = t.dataset.rev;
    $("#rev-select").value = state.selected;
    drawCharts();
  } else if (t.matches(".open-logs")) {
    const [ns] = t.dataset.rev.split("/");
    $("#log-service").value = ns + "/" + t.dataset.svc;
    $("#log-revision").value = t.dataset.rev.split("/")[1];
    await openLogs();
    $("#logs").scrollIntoView();
  }
});
document.addEventListener("submit", async (e) => {
  if (!e.target.matches(".split-editor")) return;
  e.preventDefault();
  try {
    await saveSplit(e.target);
  } catch (err) {
    e.target.querySelector(".msg").textContent = String(err.message ?? err);
  }
});
$("#rev-select").addEventListener("change", (e) => {
  state.selected = e.target.value;
  drawCharts();
});
$("#log-service").addEventListener("change", openLogs);
$("#log-follow").addEventListener("change", openLogs);
$("#log-revision").addEventListener("change", openLogs);
$("#log-filter").addEventListener("input", renderLogs);
let resizeTimer = 0;
addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(drawCharts, 150);
});

refresh();
setInterval(refresh, 2000);
if (token) startCharts();
