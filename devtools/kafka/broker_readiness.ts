import { Kafka, logLevel } from "kafkajs";
import { silenceKafkajsTimeoutWarning } from "../../platform/kafka/timeout_warning_filter.ts";

/**
 * One real client round trip: kafkajs connects (ApiVersions) and asks for metadata (`listTopics`).
 * True when the broker at `address` answered, false on any error.
 */
export async function brokerAnswers(address: string, timeoutMs = 3_000): Promise<boolean> {
  silenceKafkajsTimeoutWarning();
  const kafka = new Kafka({
    clientId: "denative-dev-broker-probe",
    brokers: [address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 1_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Why waiting stopped before the broker answered. */
export type WaitOutcome = "ready" | "exited" | "timeout";

/**
 * Polls `brokerAnswers` until it succeeds, `stillStarting()` turns false (the process died) or
 * `timeoutMs` passes.
 */
export async function waitForBroker(
  address: string,
  timeoutMs: number,
  stillStarting: () => boolean | Promise<boolean>,
): Promise<WaitOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await brokerAnswers(address)) return "ready";
    if (!await stillStarting()) return "exited";
    if (Date.now() >= deadline) return "timeout";
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
