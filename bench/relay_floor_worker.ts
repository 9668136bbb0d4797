/// <reference lib="deno.worker" />
/** The worker of the "process + worker hop" relay floor: every message goes straight back, transferred. */
self.onmessage = (e: MessageEvent<Uint8Array<ArrayBuffer>>) => self.postMessage(e.data, [e.data.buffer]);
