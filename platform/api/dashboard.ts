/**
 * The dashboard: one page on the admin port. Services with their traffic split (editable), revisions
 * with live charts over the last 15 minutes, eventing objects with their event rates, and a log view.
 * Its script (platform/dashboard/dashboard_app.js) and uPlot are served by the platform, so the page
 * works offline. `deno task serve` prints a link with `#token=...`; the page keeps the token in sessionStorage.
 */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Denative</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/uplot.css">
<style>
*{box-sizing:border-box}
body{font:14px system-ui,sans-serif;margin:0;color:#1f2328;background:#f4f5f7}
header{display:flex;align-items:center;gap:1rem;padding:.7rem 1.2rem;background:#1f2a44;color:#fff}
header h1{font-size:1.2rem;margin:0}#live{font-size:12px;opacity:.8}
main{padding:0 1.2rem 2rem;max-width:1280px;margin:auto}
section{background:#fff;border-radius:8px;margin-top:1rem;padding:.6rem 1rem 1rem;box-shadow:0 1px 2px #0001}
h2{font-size:1.05rem;margin:.4rem 0 .6rem}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eceef1;vertical-align:middle;white-space:nowrap}
th{font-weight:600;color:#57606a;font-size:12px;text-transform:uppercase}
.True{color:#0a7d2c}.False{color:#b3261e}.Unknown{color:#946200}.muted{color:#888}
.split{display:inline-flex;width:260px;height:22px;border-radius:4px;overflow:hidden;vertical-align:middle}
.seg{color:#fff;font-size:11px;line-height:22px;padding:0 4px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.split-editor{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}
.split-editor input[type=number]{width:4.2rem}
button{font:inherit;padding:.2rem .6rem;border:1px solid #c8ccd1;border-radius:4px;background:#f6f8fa;cursor:pointer}
#charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:.8rem}
.chart{min-width:0}
.toolbar{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin-bottom:.6rem}
#log-lines{font:12px ui-monospace,monospace;background:#0d1117;color:#c9d1d9;height:320px;overflow:auto;padding:.5rem;border-radius:6px}
.log{white-space:pre-wrap;word-break:break-word}.log .t{color:#8b949e}.log .w{color:#79c0ff}
.log.warn{color:#e3b341}.log.error{color:#ff7b72}.log.access{color:#a5d6ff}.log a{color:#d2a8ff}
#err{color:#b3261e;padding:.4rem 0}
@media (max-width:640px){main{padding:0 .5rem 1rem}section{padding:.5rem}.split{width:160px}#charts{grid-template-columns:1fr}}
</style></head><body>
<header><h1>Denative</h1><span id="live">connecting…</span></header>
<main>
<div id="err"></div>
<section id="nodes-panel" hidden><h2>Nodes</h2><div class="scroll"><table id="nodes"><thead><tr><th>Name</th><th>Address</th><th>Ready</th><th>Reason</th></tr></thead><tbody></tbody></table></div></section>
<section><h2>Services</h2><div class="scroll"><table id="services"><thead><tr><th>Name</th><th>URL</th><th>Latest</th><th>Traffic</th><th>Ready</th></tr></thead><tbody></tbody></table></div></section>
<section><h2>Revision <select id="rev-select"></select></h2><div id="charts"></div></section>
<section><h2>Revisions</h2><div class="scroll"><table id="revisions"><thead><tr><th>Name</th><th>Service</th><th>Instances</th><th>Limits</th><th>Req/s (30 s)</th><th>Ready</th><th></th></tr></thead><tbody></tbody></table></div></section>
<section><h2>Eventing <small class="muted">rates over the last 30 s</small></h2><div class="scroll"><table id="eventing"><thead><tr><th>Kind</th><th>Name</th><th>Address / sink</th><th>In/s</th><th>Delivered/s</th><th>Retried/s</th><th>Dead-lettered/s</th><th>Lag</th><th>Ready</th></tr></thead><tbody></tbody></table></div></section>
<section id="logs"><h2>Logs</h2>
<div class="toolbar"><select id="log-service"></select><input id="log-revision" placeholder="revision (all)" size="14">
<input id="log-filter" placeholder="filter" size="14"><label><input type="checkbox" id="log-follow" checked> follow</label></div>
<div id="log-lines"></div></section>
</main>
<script src="/dashboard/uplot.js"></script>
<script src="/dashboard/app.js"></script>
</body></html>`;
}
