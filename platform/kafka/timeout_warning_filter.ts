import process from "node:process";

let installed = false;

/**
 * kafkajs 2.2.4 schedules its request-queue check with `setTimeout(fn, throttledUntil - Date.now())`,
 * which is negative while not throttled; Deno's Node layer then prints a `TimeoutNegativeWarning` (the
 * timer still fires, clamped to 1 ms, so the warning is noise: tulios/kafkajs#1751). This drops only that
 * warning and forwards every other process warning to the listeners that were there before.
 */
export function silenceKafkajsTimeoutWarning(): void {
  if (installed) return;
  installed = true;
  const previous = process.listeners("warning") as ((warning: Error) => void)[];
  process.removeAllListeners("warning");
  process.on("warning", (warning: Error) => {
    if (warning.name === "TimeoutNegativeWarning") return;
    for (const listener of previous) listener(warning);
  });
}
