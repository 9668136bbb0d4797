/** Everything one bench run measured: what results.json holds and the table is drawn from. */
import type { Environment } from "./environment.ts";
import type { ThroughputOptions, ThroughputRow } from "./throughput.ts";
import type { BareMemory, PlatformMemory } from "./memory.ts";
import type { FromZero } from "./scale_from_zero.ts";

export interface Distribution {
  p50: number;
  p99: number;
  samples: number[];
}

/** A relay floor's throughput (relay_floor.ts) and its requests/s ÷ bare Deno.serve's. */
export interface FloorRow extends ThroughputRow {
  ratioToBare: number;
  /** Median of per-round ratios, as `pairedRatio` of the platform. */
  pairedRatioToBare: number;
}

export interface BenchResults {
  command: string;
  environment: Environment;
  throughput: {
    options: ThroughputOptions;
    platform: ThroughputRow;
    bare: ThroughputRow;
    /** Reason instead of a row when workerd could not be used. */
    workerd: ThroughputRow | { notAvailable: string };
    /** platform / bare requests/s: ratio of the medians, and median of per-round ratios. */
    ratio: number;
    pairedRatio: number;
    target: number;
    /**
     * The relay floors, "1 process hop" then "process + worker hop": hello answered after a frame's
     * round trip to a child process (and a worker in it). The reason instead when not measured.
     */
    floors: FloorRow[] | { notMeasured: string };
  };
  coldStart: {
    samples: number;
    /** Upload + PUT to the new code's first HTTP response. */
    newRevisionMs: Distribution;
    /** PUT answered to first response (without the upload). */
    putToFirstMs: Distribution;
    uploadMs: Distribution;
    /** Bare `new Worker` + import + first response, in one process. */
    bareWorkerMs: Distribution;
    fromZero: FromZero;
    /** The same for a Hono app whose npm dependencies were resolved at deploy. */
    fromZeroNpm?: FromZero;
  };
  memory: {
    platformMainRssMb: number;
    one: PlatformMemory;
    ten: PlatformMemory;
    /** Instances' own heap as the platform exposes it, or why not. */
    isolateHeap: string;
    bare: BareMemory;
  };
  runtimeSeconds: number;
}
