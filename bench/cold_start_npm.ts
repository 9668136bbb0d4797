/**
 * Cold start from zero of a Hono app from npm beside hello's, alone (the full bench runs both in
 * its step 2): `deno run -A --unstable-worker-options --unstable-no-legacy-abort bench/cold_start_npm.ts`.
 * The two kinds are called in turn in every round, so a busy machine weighs on both alike; the
 * median of the per-pair differences (npm − the hello called just before it) is printed too.
 */
import { Platform } from "../test/harness.ts";
import { coldStartsFromZero, SCALE_TO_ZERO_ENV } from "./scale_from_zero.ts";
import { writeNpmHelloVariant } from "./npm_hello_variant.ts";
import { median, percentile } from "./stats.ts";

const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
const platform = await Platform.start({ env: SCALE_TO_ZERO_ENV });
const workDir = await Deno.makeTempDir({ prefix: "denative-bench-npm-" });
try {
  const [hello, npm] = await coldStartsFromZero(platform, { services: 10, rounds, spacingMs: 600, workDir }, [
    { prefix: "zero" },
    { prefix: "zero-npm", variant: writeNpmHelloVariant },
  ]);
  for (const [name, r] of [["hello", hello], ["hono from npm", npm]] as const) {
    if (!r.measured) console.log(`${name}: not measured: ${r.why}`);
    else {
      const s = r.samplesMs;
      console.log(
        `${name}: p50 ${percentile(s, 50).toFixed(2)} ms, p90 ${percentile(s, 90).toFixed(2)} ms, ` +
          `p99 ${percentile(s, 99).toFixed(2)} ms (${s.length} samples)`,
      );
    }
  }
  if (hello.measured && npm.measured) {
    const diffs = npm.samplesMs.map((ms, i) => ms - hello.samplesMs[i]);
    console.log(`npm − hello, median of ${diffs.length} pairs: ${median(diffs).toFixed(2)} ms`);
  }
} finally {
  await platform.stop();
  await Deno.remove(workDir, { recursive: true });
}
