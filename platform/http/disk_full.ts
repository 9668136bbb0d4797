/** Whether an error (or its cause) says the disk is full: SQLite's SQLITE_FULL or the OS's ENOSPC. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (/database or disk is full|No space left on device|ENOSPC/i.test(e.message)) return true;
    if ((e as { errcode?: number }).errcode === 13) return true; // SQLITE_FULL
  }
  return false;
}
