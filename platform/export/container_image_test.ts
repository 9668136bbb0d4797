import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { containerfile, denoJson, entrypointCommand, imageEnv } from "./container_image.ts";

const SPEC = {
  denoVersion: "2.9.6",
  entry: "main.ts",
  namespace: "shop",
  declaredEnv: ["GREETING", "TOPIC"],
};

Deno.test("the entrypoint allows the network, reading its own files and the env it needs, nothing else", () => {
  const cmd = entrypointCommand(SPEC);
  equal(cmd[0], "deno");
  assert(cmd.includes("--allow-net"));
  assert(cmd.includes("--allow-read=function,runtime"));
  const env = cmd.find((a) => a.startsWith("--allow-env="))!.split("=")[1].split(",");
  for (const name of ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "GREETING", "TOPIC"]) {
    assert(env.includes(name), name);
  }
  equal(cmd.some((a) => /^--allow-(write|run|ffi|sys|all)/.test(a) || a === "-A"), false);
  assertEquals(cmd.slice(-2), ["runtime/container_main.ts", "function/main.ts"]);
});

Deno.test("the Containerfile pins the Deno base image and runs exactly the entrypoint command", () => {
  const text = containerfile(SPEC);
  assert(text.includes("FROM denoland/deno:2.9.6\n"));
  assert(text.includes("WORKDIR /app\n"));
  assert(text.includes(`ENTRYPOINT ${JSON.stringify(entrypointCommand(SPEC))}\n`));
  for (const [k, v] of Object.entries(imageEnv(SPEC))) {
    assert(text.includes(`ENV ${k}=${JSON.stringify(v)}\n`), k);
  }
  assert(text.includes("USER deno\n"));
});

Deno.test("the image environment names the namespace, the declared variables and the bundled DENO_DIR", () => {
  assertEquals(imageEnv(SPEC, "/ctx"), {
    DENO_DIR: "/ctx/deno_dir",
    DENO_NO_UPDATE_CHECK: "1",
    DENATIVE_NAMESPACE: "shop",
    DENATIVE_DECLARED_ENV: "GREETING,TOPIC",
  });
});

Deno.test("the import map keeps the SDK prefix and moves the function's relative imports under function/", () => {
  assertEquals(JSON.parse(denoJson({ "lib/": "./lib/", "up": "../x.ts", "zod": "npm:zod@3" })).imports, {
    "denative/": "./runtime/",
    "lib/": "./function/lib/",
    "up": "./function/../x.ts",
    "zod": "npm:zod@3",
  });
});
