/**
 * Runs Maven for a development server tool (fetching jars from Maven Central into ~/.m2), with its whole
 * output kept in a log file and a one-line reason when it fails.
 */
import { DevServerError } from "./dev_server_error.ts";
import { tailLines } from "./fs_util.ts";

export async function runMaven(args: string[], cwd: string, logFile: string, what: string): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("mvn", {
      args: ["-B", "-q", "-Dstyle.color=never", ...args],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DevServerError(`mvn not found: install Maven (e.g. apt-get install maven) to fetch ${what}`);
    }
    throw error;
  }
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  await Deno.writeTextFile(logFile, text);
  if (!output.success) {
    throw new DevServerError(
      `mvn could not fetch ${what} (exit ${output.code}); full output in ${logFile}`,
      tailLines(text, 15),
    );
  }
}
