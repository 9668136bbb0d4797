/**
 * Local single-node Kafka for development and tests: `deno task kafka:up` / `deno task kafka:down`.
 *
 * `up` fetches `org.apache.kafka:kafka_2.13` and its runtime jars with Maven (a generated pom in
 * `~/.cache/denative/kafka/<version>/`, downloads cached in ~/.m2), formats a fresh KRaft data dir and
 * starts one JVM that is both broker and controller, on 127.0.0.1:$KAFKA_PORT (default 9092; controller on
 * the next port, or another free one). The JVM is detached (pid file, log file in
 * `~/.cache/denative/kafka/broker-<port>/`); `up` returns once kafkajs gets metadata from it and prints the
 * address (stdout, one line). `up` while it runs just prints the address. `down` stops it (SIGTERM, then
 * SIGKILL) and removes its data dir. Env: KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_VERSION,
 * KAFKA_HEAP_OPTS (default "-Xms128m -Xmx512m"), JAVA_HOME, XDG_CACHE_HOME, and KAFKA_KEEP_DATA=1 (`down`
 * keeps the data dir, `up` restarts on it: a broker stopped and restarted with its records).
 *
 * Kafka version: 4.4.0, the newest release Maven Central serves here, because kafkajs 2.2.4 works with it.
 * Kafka 4.0 removed old protocol versions (KIP-896: baseline is what Kafka 2.1 spoke) and the pre-v2
 * message formats, and kafkajs has been unmaintained since 2023, so this was checked, not assumed. kafkajs
 * sends min(its newest implemented version, the broker's max from ApiVersions) without looking at the
 * broker's min, so each of its newest versions must be >= the broker's min. On 4.4.0 they all are: Produce
 * v7 (broker 0-13), Fetch v11 (4-18), ListOffsets v3 (1-11), Metadata v6 (0-13), OffsetCommit v5 (2-10),
 * OffsetFetch v4 (1-10), FindCoordinator v2 (0-6), JoinGroup v5 (0-9), CreateTopics v3 (2-7), DeleteTopics
 * v1 (1-6), DescribeConfigs v2 (1-4), DescribeAcls v1 (1-3), InitProducerId v1 (0-5), ...; and kafkajs
 * writes record batches (magic v2) only. Exercised against 4.4.0 with kafkajs 2.2.4: admin createTopics/
 * createPartitions/describeConfigs/fetchOffsets/fetchTopicOffsets/describeGroups/deleteGroups/deleteTopics;
 * plain, gzip, idempotent and transactional produce; consumer groups with one and two members (join, sync,
 * heartbeat, rebalance, commit, resume from the committed offset, fromBeginning true and false). The broker
 * keeps the classic group protocol that kafkajs speaks enabled by default. So no fallback is needed;
 * KAFKA_VERSION=3.9.1 also works (same checks of test/kafka_dev_broker_test.ts) if one is ever wanted.
 */
import { log4jProperties } from "./broker_logging.ts";
import { waitForBroker } from "./broker_readiness.ts";
import { isServerProcess, readPidFile, spawnJava, stopServer, writePidFile } from "../java_process.ts";
import { DevServerError } from "../dev_server_error.ts";
import { type DevBrokerSettings, devBrokerSettings } from "./dev_broker_settings.ts";
import { readTail, removeIfExists } from "../fs_util.ts";
import { findJava } from "../java_runtime.ts";
import { ensureKafkaJars } from "./kafka_jars.ts";
import { formatStorage } from "./kafka_storage.ts";
import { isPortFree, pickFreePort } from "../loopback_port.ts";
import { runDevServerCli } from "../dev_server_cli.ts";
import { serverProperties } from "./server_properties.ts";

/** The main class of the broker (`kafka-server-start.sh`) in Kafka 3.x and 4.x. */
export const BROKER_MAIN_CLASS = "kafka.Kafka";

/** What marks our broker's command line: its main class and its own properties file. */
function markers(settings: DevBrokerSettings): string[] {
  return [BROKER_MAIN_CLASS, settings.propertiesFile];
}

/** How long `up` waits for a starting broker to answer kafkajs. */
export const STARTUP_TIMEOUT_MS = 120_000;
/** How long `down` waits after SIGTERM before SIGKILL. */
export const SHUTDOWN_GRACE_MS = 20_000;
/** Added to the heap options for every JVM the dev broker starts. */
const JVM_FLAGS = ["-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"];

function progress(line: string): void {
  console.error(`kafka: ${line}`);
}

/** Starts the broker unless it already runs; returns its address. */
export async function up(settings: DevBrokerSettings): Promise<string> {
  const java = await findJava();
  const running = await runningPid(settings);
  if (running !== undefined) {
    const outcome = await waitForBroker(
      settings.address,
      STARTUP_TIMEOUT_MS,
      () => isServerProcess(running, markers(settings)),
    );
    if (outcome === "ready") {
      progress(`already running (pid ${running}, log ${settings.logFile})`);
      return settings.address;
    }
    throw new DevServerError(
      `broker pid ${running} does not answer on ${settings.address} (${outcome}); run kafka:down first`,
      await readTail(settings.logFile, 20),
    );
  }
  if (!isPortFree(settings.host, settings.port)) {
    throw new DevServerError(
      `${settings.address} is already in use by a process kafka:up did not start; set KAFKA_PORT to another port`,
    );
  }

  const jars = await ensureKafkaJars(settings.version, settings.versionDir, progress);
  const controllerPort = isPortFree(settings.host, settings.controllerPort)
    ? settings.controllerPort
    : pickFreePort(settings.host);
  const restarting = settings.keepData && await exists(`${settings.dataDir}/meta.properties`);
  if (!restarting) await removeIfExists(settings.dataDir);
  await Deno.mkdir(settings.runDir, { recursive: true });
  await Deno.writeTextFile(
    settings.propertiesFile,
    serverProperties({ host: settings.host, port: settings.port, controllerPort, dataDir: settings.dataDir }),
  );
  await Deno.writeTextFile(settings.log4jFile, log4jProperties());
  const logging = `-Dlog4j2.configurationFile=${settings.log4jFile}`;
  const started = Date.now();
  if (!restarting) {
    await formatStorage({
      java,
      classpath: jars.classpath,
      jvmArgs: ["-Xmx256m", "-XX:TieredStopAtLevel=1", ...JVM_FLAGS, logging],
      propertiesFile: settings.propertiesFile,
    });
  }

  progress(`starting Kafka ${settings.version} on ${settings.address} (log ${settings.logFile})`);
  const child = spawnJava({
    java,
    args: [
      ...settings.heapOpts,
      ...JVM_FLAGS,
      logging,
      `-Dkafka.logs.dir=${settings.runDir}`,
      "-cp",
      jars.classpath,
      BROKER_MAIN_CLASS,
      settings.propertiesFile,
    ],
    logFile: settings.logFile,
  });
  await writePidFile(settings.pidFile, child.pid);
  let exit: Deno.CommandStatus | undefined;
  child.status.then((status) => exit = status);

  const outcome = await waitForBroker(settings.address, STARTUP_TIMEOUT_MS, () => exit === undefined);
  if (outcome === "ready") {
    progress(`ready after ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${child.pid})`);
    return settings.address;
  }
  if (outcome === "timeout") await stopServer(child.pid, markers(settings), 5_000);
  await removeIfExists(settings.pidFile);
  throw new DevServerError(
    outcome === "exited"
      ? `broker exited during startup (code ${exit?.code}); see ${settings.logFile}`
      : `broker did not answer within ${STARTUP_TIMEOUT_MS / 1000}s and was stopped; see ${settings.logFile}`,
    await readTail(settings.logFile, 20),
  );
}

/** Stops the broker if it runs and removes its data dir (unless `keepData`). */
export async function down(settings: DevBrokerSettings): Promise<void> {
  const running = await runningPid(settings);
  if (running === undefined) {
    progress(`not running on ${settings.address}`);
  } else {
    const how = await stopServer(running, markers(settings), SHUTDOWN_GRACE_MS);
    progress(
      `stopped pid ${running} (${how === "terminated" ? "SIGTERM" : "SIGKILL after SIGTERM timed out"})`,
    );
  }
  if (!settings.keepData) await removeIfExists(settings.dataDir);
  await removeIfExists(settings.pidFile);
  await removeIfExists(settings.propertiesFile);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** The pid from the pid file when it is still our broker; a stale pid file is ignored. */
async function runningPid(settings: DevBrokerSettings): Promise<number | undefined> {
  const pid = await readPidFile(settings.pidFile);
  return pid !== undefined && await isServerProcess(pid, markers(settings)) ? pid : undefined;
}

/** CLI entry; returns the exit code. */
export function main(args: readonly string[]): Promise<number> {
  return runDevServerCli({
    name: "kafka",
    script: "devtools/kafka/dev_broker.ts",
    settings: () => devBrokerSettings(),
    up,
    down,
  }, args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
