/**
 * Dependencies between eventing and the message transports run one way: kafka/, rabbitmq/, nats/
 * and redis/ build on eventing/ (its delivery code, sources runner, broker-class and channel
 * plug-ins), and no file under eventing/ (tests included) imports a transport's folder or client.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("./", import.meta.url));
const SPECIFIER = /(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\s*\(?\s*["']([^"']+)["']/g;
const TRANSPORT_FOLDERS = ["kafka", "rabbitmq", "nats", "redis"];
/** The transports' npm clients, named as deno.json imports them (with or without `npm:`). */
const TRANSPORT_CLIENTS = /^(npm:)?(kafkajs|amqplib|nats|@nats-io\/.*|redis|@redis\/.*)(@.*)?$/;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...tsFiles(path));
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Each import of `file` (given its text) that reaches a transport: the specifier, or none. */
export function transportImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith(".")) {
      const top = relative(ROOT, join(dirname(file), spec)).split(/[\\/]/)[0];
      if (TRANSPORT_FOLDERS.includes(top)) found.push(spec);
    } else if (TRANSPORT_CLIENTS.test(spec)) found.push(spec);
  }
  return found;
}

Deno.test("transportImports() finds a transport folder or client and nothing else", () => {
  const file = join(ROOT, "eventing/sources/queue/runner.ts");
  assert.deepEqual(
    transportImports(
      file,
      [
        'import { a } from "../../../kafka/record_delivery.ts";',
        'import type { B } from "../../../rabbitmq/x.ts";',
        'import { connect } from "nats";',
        'import { createClient } from "npm:redis@5";',
        'import { c } from "../../delivery/record_delivery.ts";',
        'import { d } from "../../kafka_like/x.ts";',
        'import { z } from "zod";',
      ].join("\n"),
    ),
    ["../../../kafka/record_delivery.ts", "../../../rabbitmq/x.ts", "nats", "npm:redis@5"],
  );
});

Deno.test("no file under platform/eventing imports kafka/, rabbitmq/, nats/, redis/ or their clients", () => {
  const offending: string[] = [];
  for (const file of tsFiles(join(ROOT, "eventing"))) {
    for (const spec of transportImports(file, Deno.readTextFileSync(file))) {
      offending.push(`${relative(ROOT, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(offending, []);
});
