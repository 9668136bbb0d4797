/**
 * The dashboard's memory: every `intervalMs` it reads the platform's own /metrics text, derives one
 * point (see history_point.ts) and keeps the last `windowMs` of them, handing each new point to the
 * pages that follow it (server-sent events).
 */
import { after, type Clock } from "../clock/clock.ts";
import { type HistoryPoint, historyPoint } from "./history_point.ts";
import { parsePrometheusText, type Sample } from "./prometheus_text.ts";

export interface DashboardHistoryOptions {
  scrape: () => string;
  clock: Clock;
  intervalMs: number;
  windowMs: number;
}

export class DashboardHistory {
  #points: HistoryPoint[] = [];
  #prev: { samples: Sample[]; at: number } | null = null;
  #followers = new Set<(p: HistoryPoint) => void>();
  #cancel: () => void = () => {};
  #stopped = false;

  constructor(private readonly opts: DashboardHistoryOptions) {}

  start() {
    this.sample();
    const loop = () => {
      if (this.#stopped) return;
      this.#cancel = after(this.opts.clock, this.opts.intervalMs, () => {
        this.sample();
        loop();
      });
    };
    loop();
  }

  stop() {
    this.#stopped = true;
    this.#cancel();
    this.#followers.clear();
  }

  /** Takes one sample now (the loop calls it; tests may too). */
  sample() {
    const now = this.opts.clock.now();
    let samples: Sample[];
    try {
      samples = parsePrometheusText(this.opts.scrape());
    } catch {
      return;
    }
    const prev = this.#prev;
    this.#prev = { samples, at: now };
    if (!prev) return;
    const point = historyPoint(prev.samples, samples, (now - prev.at) / 1000, now);
    this.#points.push(point);
    const oldest = now - this.opts.windowMs;
    while (this.#points.length > 0 && this.#points[0].t < oldest) this.#points.shift();
    for (const f of this.#followers) f(point);
  }

  points(): HistoryPoint[] {
    return [...this.#points];
  }

  follow(fn: (p: HistoryPoint) => void): () => void {
    this.#followers.add(fn);
    return () => this.#followers.delete(fn);
  }
}
