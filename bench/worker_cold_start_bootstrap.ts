/// <reference lib="deno.worker" />
/**
 * The bare baseline of a cold start: a fresh worker that imports a hello module, answers one
 * request with it and posts the body back. No platform, no process, no HTTP.
 */
self.onmessage = async (e: MessageEvent<{ moduleUrl: string }>) => {
  const mod = await import(e.data.moduleUrl);
  const response: Response = await mod.default.fetch(new Request("http://localhost/"), { revision: "bare" });
  self.postMessage(await response.text());
};
