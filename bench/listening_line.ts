/** Reads a child's stdout until it prints "listening PORT", then keeps draining it. */
export async function readListeningPort(
  stdout: ReadableStream<Uint8Array>,
  timeoutMs = 30_000,
): Promise<number> {
  const lines = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no "listening PORT" line within ${timeoutMs} ms`)), timeoutMs)
  );
  while (true) {
    const { value, done } = await Promise.race([lines.read(), timeout]);
    if (done) throw new Error(`the process ended before it listened: ${buffered}`);
    buffered += value;
    const m = /listening (\d+)/.exec(buffered);
    if (m) {
      (async () => {
        while (!(await lines.read().catch(() => ({ done: true }))).done) { /* drain */ }
      })();
      return Number(m[1]);
    }
  }
}
