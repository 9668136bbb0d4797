/**
 * A fresh copy of functions/hello whose default greeting is unique, so each cold-start sample loads
 * code no isolate has seen (no module cache helps) and its first response is recognisable.
 */
const HELLO = new URL("../functions/hello/main.ts", import.meta.url);

export interface HelloVariant {
  dir: string;
  moduleUrl: string;
  /** What the variant answers to `GET /`, up to the revision in parentheses. */
  greeting: string;
}

export async function writeHelloVariant(parent: string, label: string): Promise<HelloVariant> {
  const source = await Deno.readTextFile(HELLO);
  if (!source.includes(`"World"`)) throw new Error(`functions/hello/main.ts no longer greets "World"`);
  const dir = `${parent}/${label}`;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/main.ts`;
  await Deno.writeTextFile(path, source.replace(`"World"`, JSON.stringify(label)));
  return { dir, moduleUrl: new URL(`file://${path}`).href, greeting: `Hello ${label}!` };
}
