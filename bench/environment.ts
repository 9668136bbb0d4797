/** The machine a run happened on, printed above its table: ratios only compare within one run. */

export interface Environment {
  date: string;
  cores: number;
  cpuModel: string;
  kernel: string;
  deno: string;
  v8: string;
  loadGenerator: string;
  loadGeneratorNote: string;
  workerd: string;
  /** Fraction of all cores busy with other work just before the run. */
  backgroundBusy: number;
}

export function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"));
    return m?.[1].trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function describeMachine(): Pick<
  Environment,
  "date" | "cores" | "cpuModel" | "kernel" | "deno" | "v8"
> {
  return {
    date: new Date().toISOString(),
    cores: navigator.hardwareConcurrency,
    cpuModel: cpuModel(),
    kernel: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}
