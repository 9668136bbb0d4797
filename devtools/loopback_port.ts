/** True when nothing listens on `host:port` yet (checked by binding it for a moment). */
export function isPortFree(host: string, port: number): boolean {
  try {
    Deno.listen({ hostname: host, port }).close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return false;
    throw error;
  }
}

/** A port on `host` that the OS reports free right now. */
export function pickFreePort(host: string): number {
  const listener = Deno.listen({ hostname: host, port: 0 });
  try {
    return (listener.addr as Deno.NetAddr).port;
  } finally {
    listener.close();
  }
}
