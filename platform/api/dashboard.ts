/**
 * The dashboard: one page on the admin port that lists Services, Revisions and their state.
 * `deno task serve` prints a link with `#token=...`; the page keeps the token in sessionStorage.
 */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Denative</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222;background:#fafafa}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e5e5e5;vertical-align:top}
.True{color:#0a7d2c}.False{color:#b3261e}.Unknown{color:#946200}
code{font-size:12px}#err{color:#b3261e}
</style></head><body>
<h1>Denative</h1><div id="err"></div>
<h2>Services</h2><table id="services"><thead><tr><th>Name</th><th>URL</th><th>Latest</th><th>Traffic</th><th>Ready</th></tr></thead><tbody></tbody></table>
<h2>Revisions</h2><table id="revisions"><thead><tr><th>Name</th><th>Service</th><th>Instances</th><th>Ready</th><th>Reason</th></tr></thead><tbody></tbody></table>
<div id="nodes-panel" hidden><h2>Nodes</h2><table id="nodes"><thead><tr><th>Name</th><th>Address</th><th>Ready</th><th>Reason</th></tr></thead><tbody></tbody></table></div>
<h2>Eventing</h2><table id="eventing"><thead><tr><th>Kind</th><th>Name</th><th>Address / sink</th><th>Ready</th><th>Reason</th></tr></thead><tbody></tbody></table>
<script>
const m = location.hash.match(/token=([^&]+)/);
if (m) { sessionStorage.setItem("denative-token", decodeURIComponent(m[1])); history.replaceState(null, "", location.pathname); }
const token = sessionStorage.getItem("denative-token");
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
const ready = (o) => (o.status?.conditions ?? []).find((c) => c.type === "Ready") ?? { status: "Unknown" };
async function get(path) {
  const r = await fetch(path, { headers: { authorization: "Bearer " + token } });
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}
async function refresh() {
  try {
    const [svcs, revs] = await Promise.all([
      get("/apis/serving.knative.dev/v1/services"), get("/apis/serving.knative.dev/v1/revisions")]);
    document.querySelector("#services tbody").innerHTML = svcs.items.map((s) => {
      const r = ready(s);
      const traffic = (s.status?.traffic ?? []).map((t) => esc(t.revisionName) + " " + t.percent + "%" + (t.tag ? " #" + esc(t.tag) : "")).join("<br>");
      return "<tr><td>" + esc(s.metadata.namespace + "/" + s.metadata.name) + "</td><td><a href='" + esc(s.status?.url) + "'>" + esc(s.status?.url) + "</a></td><td>" +
        esc(s.status?.latestReadyRevisionName) + "</td><td>" + traffic + "</td><td class='" + r.status + "'>" + r.status + "</td></tr>";
    }).join("");
    document.querySelector("#revisions tbody").innerHTML = revs.items.map((v) => {
      const r = ready(v);
      return "<tr><td>" + esc(v.metadata.name) + "</td><td>" + esc(v.metadata.labels?.["serving.knative.dev/service"]) + "</td><td>" +
        (v.status?.actualReplicas ?? 0) + " / " + (v.status?.desiredReplicas ?? 0) + "</td><td class='" + r.status + "'>" + r.status +
        "</td><td><code>" + esc(r.message ?? r.reason ?? "") + "</code></td></tr>";
    }).join("");
    // Cluster mode (--database) only: the nodes and their heartbeat-driven Ready condition.
    const nodes = await get("/api/v1/nodes").catch(() => ({ items: [] }));
    document.getElementById("nodes-panel").hidden = nodes.items.length === 0;
    document.querySelector("#nodes tbody").innerHTML = nodes.items.map((n) => {
      const r = ready(n);
      const ip = (n.status?.addresses ?? []).find((a) => a.type === "InternalIP")?.address ?? "";
      const port = n.status?.daemonEndpoints?.kubeletEndpoint?.Port;
      return "<tr><td>" + esc(n.metadata.name) + "</td><td>" + esc(port ? ip + ":" + port : ip) + "</td><td class='" +
        r.status + "'>" + (r.status === "True" ? "Ready" : "NotReady") + "</td><td>" + esc(r.reason ?? "") + "</td></tr>";
    }).join("");
    const kinds = [
      ["Broker", "/apis/eventing.knative.dev/v1/brokers"],
      ["Trigger", "/apis/eventing.knative.dev/v1/triggers"],
      ["PingSource", "/apis/sources.knative.dev/v1/pingsources"],
      ["ApiServerSource", "/apis/sources.knative.dev/v1/apiserversources"],
      ["SinkBinding", "/apis/sources.knative.dev/v1/sinkbindings"],
      ["KafkaSource", "/apis/sources.knative.dev/v1/kafkasources"],
      ["GitHubSource", "/apis/sources.knative.dev/v1alpha1/githubsources"],
      ["KafkaSink", "/apis/eventing.knative.dev/v1alpha1/kafkasinks"],
    ];
    const lists = await Promise.all(kinds.map(([, path]) => get(path).catch(() => ({ items: [] }))));
    document.querySelector("#eventing tbody").innerHTML = lists.flatMap((list, k) => list.items.map((o) => {
      const r = ready(o);
      const where = o.status?.address?.url ?? o.status?.sinkUri ?? o.status?.subscriberUri ?? o.status?.url ?? "";
      return "<tr><td>" + kinds[k][0] + "</td><td>" + esc(o.metadata.namespace + "/" + o.metadata.name) + "</td><td>" +
        esc(where) + "</td><td class='" + r.status + "'>" + r.status + "</td><td><code>" + esc(r.message ?? r.reason ?? "") +
        "</code></td></tr>";
    })).join("");
    document.getElementById("err").textContent = "";
  } catch (e) {
    document.getElementById("err").textContent = token ? String(e) : "Open the link deno task serve printed to log in.";
  }
}
refresh(); setInterval(refresh, 2000);
</script></body></html>`;
}
