/**
 * The baseline: `functions/hello` served by a bare `Deno.serve`, in its own process, with the same
 * unstable flag as the platform. Prints "listening PORT" once it accepts connections.
 *
 * Usage: deno run --no-config --unstable-no-legacy-abort --allow-net=127.0.0.1 --allow-env=TARGET \
 *   bare_hello_process.ts
 */
import hello from "../functions/hello/main.ts";

const ctx = { revision: "bare" };
Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`listening ${port}`),
}, (request) => hello.fetch(request, ctx));
