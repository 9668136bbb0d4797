/**
 * How many cases each property-based (fuzz) test runs: a CI-sized number by default, `FUZZ_RUNS`
 * for the long run (`FUZZ_RUNS=100000 deno task fuzz`). `FUZZ_SEED` replays a failing run.
 */
export function fuzzRuns(ciSize: number): number {
  const given = Deno.env.get("FUZZ_RUNS");
  if (given === undefined || given === "") return ciSize;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FUZZ_RUNS: "${given}" is not a positive integer`);
  return n;
}

/** fast-check parameters: the run count, and a seed when `FUZZ_SEED` asks to replay one. */
export function fuzzParams(ciSize: number): { numRuns: number; seed?: number } {
  const seed = Deno.env.get("FUZZ_SEED");
  return seed ? { numRuns: fuzzRuns(ciSize), seed: Number(seed) } : { numRuns: fuzzRuns(ciSize) };
}
