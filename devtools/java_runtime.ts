import { join } from "node:path";
import { DevServerError } from "./dev_server_error.ts";

/** Kafka 4.x brokers and Zipkin 3.x need Java 17 or newer. */
export const MIN_JAVA_MAJOR = 17;

/**
 * Finds the `java` launcher (`$JAVA_HOME/bin/java`, else `java` on PATH) and checks its major version.
 * Returns the launcher path; throws a DevServerError with a one-line reason when unusable.
 */
export async function findJava(env: Deno.Env = Deno.env): Promise<string> {
  const javaHome = env.get("JAVA_HOME");
  const java = javaHome ? join(javaHome, "bin", "java") : "java";
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(java, { args: ["-version"], stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DevServerError(
        `java not found (${java}): install a Java ${MIN_JAVA_MAJOR}+ runtime ` +
          `(e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME`,
      );
    }
    throw error;
  }
  const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new DevServerError(`${java} -version failed (exit ${output.code}): ${firstLine(text)}`);
  }
  const major = javaMajor(text);
  if (major === undefined) {
    throw new DevServerError(`cannot tell the Java version from "${firstLine(text)}"`);
  }
  if (major < MIN_JAVA_MAJOR) {
    throw new DevServerError(
      `the development servers need Java ${MIN_JAVA_MAJOR}+, but ${java} is Java ${major}`,
    );
  }
  return java;
}

/** `openjdk version "17.0.15"` → 17, `java version "1.8.0_392"` → 8. */
export function javaMajor(versionOutput: string): number | undefined {
  const match = versionOutput.match(/version "(\d+)(?:\.(\d+))?/);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
