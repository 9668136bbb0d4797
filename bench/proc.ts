/** Process facts from /proc (Linux): children of a process and resident memory. */

/** Parent pid from /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parentPid(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[1]);
}

/** Pids whose parent is `pid`. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      if (parentPid(Deno.readTextFileSync(`/proc/${e.name}/stat`)) === pid) out.push(Number(e.name));
    } catch { /* it ended meanwhile */ }
  }
  return out.sort((a, b) => a - b);
}

/** A process and all its descendants. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...childPids(out[i]));
  return out;
}

/** CPU time (user + system, all threads) a process has used, in seconds; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** VmRSS of a process in bytes, or 0 when it is gone. */
export function vmRssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The command line of a process, arguments joined by spaces. */
export function cmdline(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Busy and total clock ticks of all cores since boot, from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const f = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  // idle + iowait
  return { busy: total - f[3] - (f[4] ?? 0), total };
}

/** How busy the whole machine was over `ms`, as a fraction of all its cores. */
export async function machineBusy(ms: number): Promise<number> {
  const a = machineTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineTicks();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/** Web Worker threads of a process (Deno names them "worker-N"): one per isolate besides the main one. */
export function workerThreads(pid: number): number {
  let n = 0;
  try {
    for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
      try {
        if (Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/comm`).startsWith("worker-")) n++;
      } catch { /* the thread ended */ }
    }
  } catch { /* the process ended */ }
  return n;
}

/**
 * Proportional set size of a process in bytes (its private pages plus its share of pages mapped by
 * several processes, like the deno binary), from /proc/<pid>/smaps_rollup; 0 when it is gone.
 * Summed over processes, PSS does not count shared pages twice, as summed RSS does.
 */
export function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
