import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { conformanceSuite } from "../../../test/conformance.ts";
import { type CesqlErrorKind, CesqlParseError, type CesqlValue, compile, evaluate } from "./mod.ts";

/** The CloudEvents SQL conformance suite (outside suite, read at run time). */
const TCK = conformanceSuite("cesql-tck");

interface TckCase {
  name: string;
  expression: string;
  result?: CesqlValue;
  error?: CesqlErrorKind;
  event?: Record<string, unknown>;
  eventOverrides?: Record<string, unknown>;
}

interface TckSuite {
  name: string;
  tests: TckCase[];
}

/** Any valid event will do when a case gives none (TCK README). */
const DEFAULT_EVENT = { specversion: "1.0", id: "tck-id", source: "/tck/source", type: "tck.type" };

const suiteFiles = TCK.files(".yaml");

/**
 * Reads a TCK file. Plain scalars such as `expression: TRUE` or `expression: -10` must reach the parser as the
 * text written, so names and expressions come from a second, all-strings (failsafe) reading of the file.
 */
function readSuite(file: string): TckSuite {
  const text = TCK.readText(file);
  const typed = parseYaml(text) as TckSuite;
  const verbatim = parseYaml(text, { schema: "failsafe" }) as TckSuite;
  return {
    name: verbatim.name,
    tests: typed.tests.map((tc, i) => ({
      ...tc,
      name: verbatim.tests[i].name,
      expression: verbatim.tests[i].expression,
    })),
  };
}

const suites = suiteFiles.map((file) => ({ file, suite: readSuite(file) }));

function runCase(tc: TckCase): void {
  let compiled;
  try {
    compiled = compile(tc.expression);
  } catch (error) {
    if (!(error instanceof CesqlParseError)) throw error;
    assertEquals(tc.error, "parse", `unexpected parse error: ${error.message}`);
    return;
  }
  assert(tc.error !== "parse", "expected a parse error, but the expression compiled");
  const result = evaluate(compiled, tc.event ?? { ...DEFAULT_EVENT, ...tc.eventOverrides });
  assertEquals(result.error?.kind, tc.error, `error: ${result.error?.message ?? "none"}`);
  if (tc.result !== undefined) assertEquals(result.value, tc.result);
}

TCK.test("the CESQL TCK directory holds the whole suite", () => {
  assert(suiteFiles.length >= 18, `only ${suiteFiles.length} TCK files found in ${TCK.dir}`);
  const cases = suites.reduce((sum, { suite }) => sum + suite.tests.length, 0);
  assert(cases >= 270, `only ${cases} TCK cases found`);
});

for (const { file, suite } of suites) {
  TCK.test(`CESQL TCK ${file} (${suite.name}) passes every case`, async (t) => {
    for (const tc of suite.tests) {
      await t.step(`${tc.name}: ${tc.expression}`, () => runCase(tc));
    }
  });
}
