import assert from "node:assert/strict";
import { runCli } from "../cli.ts";

async function dn(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: () => Promise.resolve(""),
    env: { DENATIVE_TOKEN: "t" },
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

Deno.test("dn kubeconfig prints <state>/kubeconfig, or says the platform has not written it", async () => {
  const state = await Deno.makeTempDir();
  try {
    const missing = await dn(["kubeconfig", "--state", state]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no kubeconfig at .*\/kubeconfig: start the platform first/);
    await Deno.writeTextFile(`${state}/kubeconfig`, "apiVersion: v1\nkind: Config\n");
    const found = await dn(["kubeconfig", "--state", state]);
    assert.equal(found.code, 0, found.err);
    assert.equal(found.out, "apiVersion: v1\nkind: Config");
  } finally {
    await Deno.remove(state, { recursive: true });
  }
});
