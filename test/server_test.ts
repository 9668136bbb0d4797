/**
 * Deno.test for a test that needs an outside server (Kafka, PostgreSQL, Redis, RabbitMQ, NATS): when
 * `missing` says the server is not there, the test is ignored with one line saying why, and fails
 * instead under CI=true, so CI never skips silently. Client libraries keep timers and sockets past a
 * test's end, so the sanitizers are off.
 */
const inCi = Deno.env.get("CI") === "true";

export function serverTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
  missing: string | undefined,
  options: { needs?: string; before?: () => void } = {},
) {
  if (missing && !inCi) console.warn(`skipping "${name}": ${missing}`);
  Deno.test({
    name,
    ignore: missing !== undefined && !inCi,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      if (missing) throw new Error(`CI=true requires ${options.needs ?? "the server"}: ${missing}`);
      options.before?.();
      await fn(t);
    },
  });
}
