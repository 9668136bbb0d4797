import { encodeBase64Url } from "../../platform/kafka/base64url.ts";
import { DevServerError } from "../dev_server_error.ts";
import { tailLines } from "../fs_util.ts";

/**
 * Where `kafka-storage.sh` lives, newest first: Kafka 3.x and 4.x ship it as the Scala `kafka.tools
 * .StorageTool` in kafka_2.13; later releases may move it to the Java `org.apache.kafka.tools` package.
 */
export const STORAGE_TOOL_CLASSES = [
  "kafka.tools.StorageTool",
  "org.apache.kafka.tools.StorageTool",
] as const;

/** What formatting the data dir needs: the JVM, the jars and the broker's config. */
export interface FormatStorageInput {
  readonly java: string;
  readonly classpath: string;
  readonly jvmArgs: readonly string[];
  readonly propertiesFile: string;
}

/**
 * `kafka-storage.sh format -t <new cluster id> -c server.properties`: writes meta.properties and the
 * bootstrap metadata into the (empty) KRaft data dir. Returns the cluster id.
 */
export async function formatStorage(input: FormatStorageInput): Promise<string> {
  const clusterId = randomClusterId();
  const failures: string[] = [];
  for (const mainClass of STORAGE_TOOL_CLASSES) {
    const output = await new Deno.Command(input.java, {
      args: [
        ...input.jvmArgs,
        "-cp",
        input.classpath,
        mainClass,
        "format",
        "-t",
        clusterId,
        "-c",
        input.propertiesFile,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    if (output.success) return clusterId;
    if (/Could not find or load main class|ClassNotFoundException/.test(text)) {
      failures.push(`${mainClass}: not in this Kafka version`);
      continue;
    }
    throw new DevServerError(
      `formatting the KRaft data dir failed (exit ${output.code})`,
      tailLines(text, 15),
    );
  }
  throw new DevServerError(`no StorageTool class found in the Kafka jars (${failures.join("; ")})`);
}

/**
 * A Kafka cluster id as `kafka-storage.sh random-uuid` prints it: 16 random bytes, URL-safe base64
 * without padding, never starting with "-" (Kafka's Uuid avoids that so ids never look like options).
 */
export function randomClusterId(): string {
  for (;;) {
    const id = encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    if (!id.startsWith("-")) return id;
  }
}
