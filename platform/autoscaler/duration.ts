/**
 * Go-style durations (`time.ParseDuration`), the format Knative uses for `window`, `scale-down-delay` and
 * `scale-to-zero-pod-retention-period`: a sequence of decimal numbers with units, e.g. `60s`, `1m30s`, `1.5h`,
 * `300ms`. A bare `0` is allowed. Values are returned in milliseconds.
 */

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  "μs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const PART = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;

/** Parses a Go duration into whole nanoseconds, or returns null when the text is not a duration. */
export function parseDurationNanos(text: string): number | null {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return null;
  let total = 0;
  while (rest !== "") {
    const match = PART.exec(rest);
    if (!match) return null;
    const [whole, intPart, fracPart = "", unit] = match;
    if (intPart === "" && fracPart === "") return null;
    const scale = UNIT_NANOS[unit];
    const fraction = fracPart === "" ? 0 : Number(`0.${fracPart}`);
    total += Number(intPart || "0") * scale + Math.round(fraction * scale);
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

/** Parses a Go duration into milliseconds, or returns null when the text is not a duration. */
export function parseDurationMs(text: string): number | null {
  const nanos = parseDurationNanos(text);
  return nanos === null ? null : nanos / 1e6;
}

/** Formats milliseconds the way Go prints durations, for log lines: `1m30s`, `6s`, `500ms`, `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${round3(rest)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = round3(rest / 1000);
  let out = sign;
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  return `${out}${seconds}s`;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
