/** The real platform (test/harness.ts) serving functions/hello, called by host as Knative does. */
import { EXAMPLES, Platform } from "../test/harness.ts";
import { onStop } from "./child_processes.ts";
import { type HelloServer, waitUntilAnswers } from "./hello_server.ts";

export interface PlatformHello extends HelloServer {
  readonly platform: Platform;
}

export async function startPlatformHello(env: Record<string, string> = {}): Promise<PlatformHello> {
  const platform = await Platform.start({ functions: { hello: `${EXAMPLES}/hello` }, env });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      // A graceful stop first; a platform that does not end in time is killed (its pool hosts
      // follow: they exit when their socket to it closes).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceful = await Promise.race([
        platform.stop().then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 4_000))),
      ]);
      clearTimeout(timer);
      if (!graceful) await platform.kill().catch(() => {});
      await Deno.remove(platform.state, { recursive: true }).catch(() => {});
      await Deno.remove(platform.functionsDir, { recursive: true }).catch(() => {});
    })();
  const forget = onStop(stop);
  const host = `hello.default.localhost:${platform.port}`;
  await waitUntilAnswers(platform.port, host);
  return {
    name: "Denative (platform)",
    port: platform.port,
    host,
    platform,
    rootPid: platform.pid,
    stop: async () => {
      await stop();
      forget();
    },
  };
}
