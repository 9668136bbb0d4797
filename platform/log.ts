/** Human-readable log lines on stderr, with the component (and revision, where there is one) up front. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(component: string): Logger;
}

export function createLogger(component = "denative", quiet = false): Logger {
  const write = (level: string, msg: string) => {
    if (quiet && level === "info") return;
    const line = `${new Date().toISOString()} ${level.padEnd(5)} [${component}] ${msg}\n`;
    Deno.stderr.writeSync(new TextEncoder().encode(line));
  };
  return {
    info: (m) => write("info", m),
    warn: (m) => write("warn", m),
    error: (m) => write("error", m),
    child: (c) => createLogger(c, quiet),
  };
}
