/** One step of a Gherkin scenario, with its attached doc string or data table. */
export interface FeatureStep {
  keyword: string;
  text: string;
  docString?: string;
  table?: string[][];
}

export interface FeatureScenario {
  name: string;
  /** Background steps first, then the scenario's own; outline placeholders already substituted. */
  steps: FeatureStep[];
}

const STEP = /^(Given|When|Then|And|But)\s+(.*)$/;

function tableRow(line: string): string[] {
  return line.slice(1, line.lastIndexOf("|")).split("|").map((cell) => cell.trim());
}

function substitute(text: string, row: Record<string, string>): string {
  return text.replace(/<([^<>]+)>/g, (whole, name: string) => row[name] ?? whole);
}

function substituteStep(step: FeatureStep, row: Record<string, string>): FeatureStep {
  return {
    keyword: step.keyword,
    text: substitute(step.text, row),
    docString: step.docString === undefined ? undefined : substitute(step.docString, row),
    table: step.table?.map((cells) => cells.map((cell) => substitute(cell, row))),
  };
}

interface Block {
  kind: "background" | "scenario" | "outline";
  name: string;
  steps: FeatureStep[];
  examples: string[][];
}

/**
 * Parses the subset of Gherkin the CloudEvents conformance features use: Background, Scenario, Scenario
 * Outline with Examples, steps with doc strings (indentation relative to the opening quotes removed) and
 * data tables. Free-text descriptions and tags are skipped.
 */
export function parseFeature(text: string): FeatureScenario[] {
  const lines = text.split(/\r?\n/);
  const blocks: Block[] = [];
  let current: Block | undefined;
  let inExamples = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const heading = /^(Background|Scenario Outline|Scenario):\s*(.*)$/.exec(line);
    if (heading) {
      const kind = heading[1] === "Background"
        ? "background"
        : heading[1] === "Scenario"
        ? "scenario"
        : "outline";
      current = { kind, name: heading[2], steps: [], examples: [] };
      blocks.push(current);
      inExamples = false;
      continue;
    }
    if (!current) continue;
    if (line.startsWith("Examples:")) {
      inExamples = true;
      continue;
    }
    const step = STEP.exec(line);
    if (step) {
      current.steps.push({ keyword: step[1], text: step[2] });
      inExamples = false;
      continue;
    }
    if (line.startsWith('"""')) {
      const indent = lines[i].indexOf('"""');
      const body: string[] = [];
      for (i++; i < lines.length && lines[i].trim() !== '"""'; i++) {
        body.push(lines[i].slice(Math.min(indent, lines[i].search(/\S|$/))));
      }
      const last = current.steps.at(-1);
      if (!last) throw new SyntaxError(`doc string without a step in "${current.name}"`);
      last.docString = body.join("\n");
      continue;
    }
    if (line.startsWith("|")) {
      if (inExamples) {
        current.examples.push(tableRow(line));
      } else {
        const last = current.steps.at(-1);
        if (!last) throw new SyntaxError(`table without a step in "${current.name}"`);
        (last.table ??= []).push(tableRow(line));
      }
    }
  }
  const background = blocks.filter((b) => b.kind === "background").flatMap((b) => b.steps);
  const scenarios: FeatureScenario[] = [];
  for (const block of blocks) {
    if (block.kind === "scenario") {
      scenarios.push({ name: block.name, steps: [...background, ...block.steps] });
    }
    if (block.kind !== "outline") continue;
    const [header, ...rows] = block.examples;
    for (const cells of rows) {
      const row = Object.fromEntries(header.map((name, index) => [name, cells[index]]));
      scenarios.push({
        name: substitute(block.name, row),
        steps: [...background, ...block.steps].map((step) => substituteStep(step, row)),
      });
    }
  }
  return scenarios;
}

/** A two-column `| key | value |` table (header row first) as a map. */
export function keyValueTable(table: string[][] | undefined): Record<string, string> {
  if (!table || table.length === 0) throw new SyntaxError("expected a data table");
  return Object.fromEntries(table.slice(1).map(([key, value]) => [key, value]));
}
