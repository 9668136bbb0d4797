/** `deno task dn ...`: the Denative command-line client. See `dn --help`. */
import { runCli } from "./cli.ts";

const code = await runCli(Deno.args, {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  readStdin: () => new Response(Deno.stdin.readable).text(),
});
Deno.exit(code);
