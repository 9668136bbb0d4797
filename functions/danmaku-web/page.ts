/**
 * The danmaku page: a video-like stage that processed comments fly across, right to left, in lanes,
 * and a bar to send one. Self-contained (inline CSS, JS and SVG; nothing from a CDN). It talks to
 * its function by relative URLs (`comments`, `stream`), so it works by host and by path.
 *
 * The page keeps `window.danmaku` up to date (comments received, unique ids, feed state) so a test
 * or a curious user can read it from the console.
 */
import { MAX_TEXT_LENGTH } from "./comment_input.ts";

/** The lanes of the stage; the processor assigns lanes in `0..LANES-1`. */
export const LANES = 12;

const STYLE = `
:root {
  --bg: #07080f; --panel: #11131f; --line: #23263a; --text: #e8eaf6; --muted: #8a8fb0;
  --accent: #ff5c8a; --accent2: #7c5cff; --ok: #3ddc97; --warn: #ffb347; --bad: #ff5c5c;
  --lanes: ${LANES};
}
* { box-sizing: border-box; }
html, body { margin: 0; background: radial-gradient(1200px 600px at 50% -10%, #1a1d3a 0%, var(--bg) 60%);
  color: var(--text); font: 15px/1.4 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC",
  "Microsoft YaHei", sans-serif; min-height: 100vh; }
main { max-width: 1120px; margin: 0 auto; padding: 20px 20px 32px; }
header { display: flex; align-items: center; gap: 14px; margin-bottom: 14px; }
.logo { width: 42px; height: 42px; border-radius: 12px; display: grid; place-items: center; font-weight: 800;
  font-size: 20px; background: linear-gradient(135deg, var(--accent), var(--accent2));
  box-shadow: 0 6px 24px #ff5c8a55; }
h1 { font-size: 20px; margin: 0; letter-spacing: .2px; }
.sub { color: var(--muted); font-size: 13px; margin-top: 2px; }
.sub b { color: #c9ccef; font-weight: 600; }
.pill { margin-left: auto; display: inline-flex; align-items: center; gap: 8px; padding: 6px 12px;
  border-radius: 999px; background: var(--panel); border: 1px solid var(--line); font-size: 13px; white-space: nowrap; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--warn); box-shadow: 0 0 10px currentColor; }
.pill[data-state="live"] .dot { background: var(--ok); color: var(--ok); }
.pill[data-state="down"] .dot { background: var(--bad); color: var(--bad); }
.pill[data-state="connecting"] .dot { color: var(--warn); animation: blink 1s infinite; }
@keyframes blink { 50% { opacity: .3; } }

.player { border-radius: 16px; overflow: hidden; background: #000; border: 1px solid var(--line);
  box-shadow: 0 20px 60px #0009, 0 0 0 1px #ffffff08 inset; }
.stage { position: relative; aspect-ratio: 16 / 9; overflow: hidden; isolation: isolate; }
.scene { position: absolute; inset: 0; z-index: 0; }
.scene svg { width: 100%; height: 100%; display: block; }
.aurora { position: absolute; inset: -20%; z-index: 0; filter: blur(40px); opacity: .55; mix-blend-mode: screen;
  background: radial-gradient(40% 30% at 30% 30%, #7c5cff 0%, transparent 70%),
              radial-gradient(35% 25% at 70% 25%, #ff5c8a 0%, transparent 70%),
              radial-gradient(30% 25% at 50% 40%, #21d4fd 0%, transparent 70%);
  animation: drift 18s ease-in-out infinite alternate; }
@keyframes drift { from { transform: translate(-4%, -2%) rotate(-3deg); } to { transform: translate(4%, 3%) rotate(4deg); } }
.twinkle { animation: twinkle 3s ease-in-out infinite; }
@keyframes twinkle { 50% { opacity: .2; } }
.layer { position: absolute; inset: 0; z-index: 2; pointer-events: none; }
.bullet { position: absolute; left: 0; top: 0; white-space: nowrap; font-weight: 700; will-change: transform;
  font-size: clamp(15px, calc(var(--lane-h) * .62), 30px); line-height: var(--lane-h); padding: 0 6px;
  text-shadow: 0 0 2px #000, 0 0 2px #000, 1px 1px 2px #000c; }
.bullet.mine { border: 2px solid #ffffffd0; border-radius: 8px; line-height: calc(var(--lane-h) - 6px);
  margin-top: 3px; background: #ffffff14; }
.hud { position: absolute; z-index: 3; left: 14px; top: 12px; display: flex; gap: 8px; pointer-events: none; }
.tag { background: #000a; border: 1px solid #ffffff22; border-radius: 6px; padding: 3px 8px; font-size: 12px;
  font-weight: 700; letter-spacing: .5px; backdrop-filter: blur(4px); }
.tag.live { background: #ff2d55; border-color: #ff2d55; }
.controls { display: flex; align-items: center; gap: 14px; padding: 10px 16px; background: #0c0d16;
  border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
.play { width: 0; height: 0; border-left: 12px solid #e8eaf6; border-top: 7px solid transparent;
  border-bottom: 7px solid transparent; }
.track { flex: 1; height: 4px; border-radius: 4px; background: #2a2d45; position: relative; overflow: hidden; }
.track i { position: absolute; inset: 0 auto 0 0; width: 0; background: linear-gradient(90deg, var(--accent2), var(--accent)); }
.stat b { color: var(--text); font-variant-numeric: tabular-nums; }

form { display: flex; gap: 10px; margin-top: 14px; align-items: stretch; }
.field { flex: 1; position: relative; display: flex; }
input[type=text] { flex: 1; min-width: 0; background: var(--panel); color: var(--text); border: 1px solid var(--line);
  border-radius: 12px; padding: 14px 64px 14px 16px; font: inherit; font-size: 16px; outline: none;
  transition: border-color .15s, box-shadow .15s; }
input[type=text]:focus { border-color: var(--accent2); box-shadow: 0 0 0 4px #7c5cff33; }
.count { position: absolute; right: 14px; top: 50%; transform: translateY(-50%); color: var(--muted); font-size: 12px;
  font-variant-numeric: tabular-nums; }
button { border: 0; border-radius: 12px; padding: 0 26px; font: inherit; font-weight: 700; font-size: 16px; color: #fff;
  cursor: pointer; background: linear-gradient(135deg, var(--accent), var(--accent2));
  box-shadow: 0 8px 24px #ff5c8a44; transition: transform .1s, filter .15s; }
button:hover { filter: brightness(1.08); }
button:active { transform: translateY(1px); }
button:disabled { filter: grayscale(.6) brightness(.8); cursor: default; }
.note { min-height: 20px; margin-top: 8px; font-size: 13px; color: var(--muted); }
.note.error { color: var(--bad); }
.note.sent { color: var(--ok); }
footer { margin-top: 18px; color: #5d6285; font-size: 12px; }
footer code { color: #8a8fb0; }
`;

/** A night-sky "video": stars, a moon, hills and a city skyline, drawn once. */
function sceneSvg(): string {
  const stars: string[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 90; i++) {
    const x = (rand() * 1600).toFixed(0);
    const y = (rand() * 520).toFixed(0);
    const r = (0.6 + rand() * 1.6).toFixed(1);
    const delay = (rand() * 3).toFixed(2);
    stars.push(
      `<circle class="twinkle" style="animation-delay:${delay}s" cx="${x}" cy="${y}" r="${r}" fill="#fff" ` +
        `opacity="${(0.4 + rand() * 0.6).toFixed(2)}"/>`,
    );
  }
  const windows: string[] = [];
  const towers: string[] = [];
  let x = 0;
  while (x < 1600) {
    const w = 40 + Math.floor(rand() * 70);
    const h = 90 + Math.floor(rand() * 190);
    towers.push(`<rect x="${x}" y="${900 - h}" width="${w - 6}" height="${h}" fill="#0b0c1d"/>`);
    for (let wy = 900 - h + 14; wy < 880; wy += 18) {
      for (let wx = x + 8; wx < x + w - 14; wx += 14) {
        if (rand() < 0.28) {
          windows.push(
            `<rect x="${wx}" y="${wy}" width="6" height="8" fill="${rand() < 0.7 ? "#ffd27a" : "#7cd3ff"}" ` +
              `opacity="${(0.5 + rand() * 0.5).toFixed(2)}"/>`,
          );
        }
      }
    }
    x += w;
  }
  return `<svg viewBox="0 0 1600 900" preserveAspectRatio="xMidYMid slice" aria-hidden="true">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#0a0b24"/><stop offset=".55" stop-color="#2a1b5e"/><stop offset="1" stop-color="#8a3b7a"/>
    </linearGradient>
    <radialGradient id="moon" cx=".5" cy=".5" r=".5">
      <stop offset="0" stop-color="#fff8e1"/><stop offset=".7" stop-color="#ffe6a8"/><stop offset="1" stop-color="#ffd27a" stop-opacity="0"/>
    </radialGradient>
    <radialGradient id="glow" cx=".5" cy=".5" r=".5">
      <stop offset="0" stop-color="#ffe6a8" stop-opacity=".35"/><stop offset="1" stop-color="#ffe6a8" stop-opacity="0"/>
    </radialGradient>
  </defs>
  <rect width="1600" height="900" fill="url(#sky)"/>
  ${stars.join("")}
  <circle cx="1210" cy="230" r="220" fill="url(#glow)"/>
  <circle cx="1210" cy="230" r="92" fill="url(#moon)"/>
  <path d="M0 700 C 200 610 380 640 560 690 S 900 600 1100 660 S 1450 620 1600 660 L1600 900 L0 900 Z" fill="#1c1540"/>
  <path d="M0 760 C 240 700 420 740 640 770 S 1060 700 1300 750 S 1520 740 1600 730 L1600 900 L0 900 Z" fill="#130f2e"/>
  ${towers.join("")}${windows.join("")}
  <rect y="880" width="1600" height="20" fill="#07070f"/>
</svg>`;
}

/** A speech bubble with flying lines, so the logo needs no font. */
const LOGO = `<svg width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="#fff" stroke-width="2"
  stroke-linecap="round" aria-hidden="true"><path d="M4 5h16a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H10l-4 3v-3H4a1 1 0 0
  1-1-1V6a1 1 0 0 1 1-1z"/><path d="M7 9h10M9 13h6"/></svg>`;

const SCRIPT = `
const stage = document.getElementById("stage");
const layer = document.getElementById("layer");
const pill = document.getElementById("pill");
const pillText = document.getElementById("pill-text");
const countEl = document.getElementById("count");
const rateEl = document.getElementById("rate");
const track = document.getElementById("track");
const clock = document.getElementById("clock");
const form = document.getElementById("form");
const input = document.getElementById("text");
const chars = document.getElementById("chars");
const button = document.getElementById("send");
const note = document.getElementById("note");
const LANES = ${LANES};
const MAX = ${MAX_TEXT_LENGTH};
const author = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)).replace(/-/g, "").slice(0, 16);
const state = {
  received: 0, ids: new Set(), comments: [], live: false, status: "connecting", instance: "", author,
};
window.danmaku = state;
const lanes = Array.from({ length: LANES }, () => null);
const arrivals = [];
const opened = Date.now();

function setStatus(s) {
  state.status = s.state;
  state.live = s.state === "live";
  if (s.instance) state.instance = s.instance;
  pill.dataset.state = s.state === "live" ? "live" : s.state === "down" ? "down" : "connecting";
  pillText.textContent = s.state === "live" ? "Live" : s.state === "down" ? "Kafka unreachable, retrying"
    : "Connecting";
  pill.title = s.state === "down" ? s.reason : s.state === "live" ? "instance " + s.instance : "";
}

function laneHeight() { return stage.clientHeight / LANES; }

/**
 * Whether a comment of width w crossing in d ms can start in a lane now without touching the lane's
 * last comment: that one's tail must be on stage by a gap, and the new one must not catch it up
 * before it has left.
 */
function laneFree(last, w, d) {
  if (!last) return true;
  const W = stage.clientWidth;
  const gap = 28;
  const vLast = (W + last.width) / last.duration;
  // The animation's own clock: it starts on the next frame, which a busy or hidden page delays.
  const elapsed = Number(last.anim.currentTime ?? 0);
  const tail = W - vLast * elapsed + last.width;
  if (tail > W - gap) return false;
  const vNew = (W + w) / d;
  const lastGone = Math.max(0, (tail) / vLast);
  return W - vNew * lastGone > gap;
}

/** The first free lane, trying the processor's suggestion first; -1 when every lane is busy. */
function pickLane(suggested, w, d) {
  for (let i = 0; i < LANES; i++) {
    const lane = (suggested + i) % LANES;
    if (laneFree(lanes[lane], w, d)) return lane;
  }
  return -1;
}

/** Comments waiting for a free lane, oldest first; past 300 the oldest are not shown. */
const pending = [];

function fly(c) {
  const el = document.createElement("div");
  el.className = "bullet" + (c.author === author ? " mine" : "");
  el.textContent = c.text;
  el.style.color = c.color || "#ffffff";
  el.dataset.id = c.id;
  const from = stage.clientWidth;
  // Off stage to the right until its animation starts.
  el.style.transform = "translateX(" + from + "px)";
  layer.appendChild(el);
  const width = el.offsetWidth;
  const duration = Math.max(4, Math.min(14, Number(c.speed) || 8)) * 1000;
  const lane = pickLane(Number.isInteger(c.lane) ? c.lane % LANES : 0, width, duration);
  if (lane < 0) {
    el.remove();
    return false;
  }
  el.style.top = (lane * laneHeight()) + "px";
  const anim = el.animate(
    [{ transform: "translateX(" + from + "px)" }, { transform: "translateX(" + (-width) + "px)" }],
    { duration, easing: "linear" },
  );
  anim.onfinish = () => el.remove();
  lanes[lane] = { anim, duration, width };
  return true;
}

function flyPending() {
  while (pending.length && fly(pending[0])) pending.shift();
}
setInterval(flyPending, 100);

function receive(c) {
  if (state.ids.has(c.id)) return;
  state.ids.add(c.id);
  state.received++;
  c.receivedAt = Date.now();
  state.comments.push(c);
  if (state.comments.length > 1000) state.comments.shift();
  arrivals.push(Date.now());
  countEl.textContent = state.received;
  pending.push(c);
  if (pending.length > 300) pending.shift();
  flyPending();
}

function connect() {
  const events = new EventSource("stream");
  events.addEventListener("status", (e) => setStatus(JSON.parse(e.data)));
  events.addEventListener("comment", (e) => receive(JSON.parse(e.data)));
  events.onerror = () => setStatus({ state: "connecting" });
}

setInterval(() => {
  const now = Date.now();
  while (arrivals.length && arrivals[0] < now - 5000) arrivals.shift();
  rateEl.textContent = (arrivals.length / 5).toFixed(1);
  const secs = Math.floor((now - opened) / 1000);
  clock.textContent = String(Math.floor(secs / 60)).padStart(2, "0") + ":" + String(secs % 60).padStart(2, "0");
  track.style.width = ((secs % 300) / 3) + "%";
}, 500);

input.addEventListener("input", () => {
  const n = [...input.value.trim()].length;
  chars.textContent = n + "/" + MAX;
  chars.style.color = n > MAX ? "var(--bad)" : "";
});

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = input.value;
  button.disabled = true;
  note.className = "note";
  note.textContent = "Sending…";
  try {
    const res = await fetch("comments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text, author }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error || ("the server answered " + res.status));
    input.value = "";
    input.dispatchEvent(new Event("input"));
    note.className = "note sent";
    note.textContent = "Sent. It flies once the processor has seen it.";
  } catch (err) {
    note.className = "note error";
    note.textContent = err.message;
  } finally {
    button.disabled = false;
    input.focus();
  }
});

document.documentElement.style.setProperty("--lane-h", laneHeight() + "px");
new ResizeObserver(() => document.documentElement.style.setProperty("--lane-h", laneHeight() + "px"))
  .observe(stage);
connect();
`;

/** The page, naming the topics it flows through in its footer. */
export function pageHtml(topics: { commentsTopic: string; processedTopic: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Danmaku · Denative</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main>
  <header>
    <div class="logo">${LOGO}</div>
    <div>
      <h1>Danmaku live</h1>
      <div class="sub">Comments go to <b>Kafka</b>, a <b>KafkaSource</b> feeds the processor, which scales out with
        the flow, and every open page gets them.</div>
    </div>
    <div class="pill" id="pill" data-state="connecting"><span class="dot"></span><span id="pill-text">Connecting</span></div>
  </header>
  <section class="player">
    <div class="stage" id="stage">
      <div class="scene">${sceneSvg()}</div>
      <div class="aurora"></div>
      <div class="hud"><span class="tag live">LIVE</span><span class="tag">DANMAKU ON</span></div>
      <div class="layer" id="layer"></div>
    </div>
    <div class="controls">
      <span class="play"></span>
      <span id="clock">00:00</span>
      <div class="track"><i id="track"></i></div>
      <span class="stat"><b id="count">0</b> comments</span>
      <span class="stat"><b id="rate">0.0</b>/s</span>
    </div>
  </section>
  <form id="form" autocomplete="off">
    <div class="field">
      <input type="text" id="text" name="text" placeholder="Say something… it will fly across every open page"
        maxlength="${MAX_TEXT_LENGTH * 2}" autofocus>
      <span class="count" id="chars">0/${MAX_TEXT_LENGTH}</span>
    </div>
    <button id="send" type="submit">Send</button>
  </form>
  <div class="note" id="note"></div>
  <footer>POST <code>comments</code> → Kafka <code>${escapeHtml(topics.commentsTopic)}</code> → KafkaSource →
    <code>danmaku-processor</code> → KafkaSink <code>${
    escapeHtml(topics.processedTopic)
  }</code> → SSE <code>stream</code></footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
