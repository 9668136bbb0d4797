/**
 * A hello written as users write functions with dependencies: a Hono app from npm, each copy with a
 * unique greeting. Its dependencies are resolved when it is deployed, so its cold start should cost
 * what hello's does (the cold-start-from-zero step measures both).
 */
import type { HelloVariant } from "./hello_variant.ts";

export async function writeNpmHelloVariant(parent: string, label: string): Promise<HelloVariant> {
  const dir = `${parent}/${label}`;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/main.ts`;
  await Deno.writeTextFile(
    path,
    `import { Hono } from "npm:hono@4.13.23";\n` +
      `const app = new Hono();\n` +
      `app.get("/", (c) => c.text(\`Hello ${label}! (\${Deno.env.get("K_REVISION")})\`));\n` +
      `export default app;\n`,
  );
  return { dir, moduleUrl: new URL(`file://${path}`).href, greeting: `Hello ${label}!` };
}
