import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { CesqlParseError } from "./errors.ts";
import { type Token, tokenize } from "./lexer.ts";

function describe(tokens: Token[]): string[] {
  return tokens.map((t) => {
    switch (t.kind) {
      case "integer":
      case "word":
        return `${t.kind}:${t.text}`;
      case "string":
        return `string:${t.value}`;
      default:
        return t.kind;
    }
  });
}

Deno.test("tokenize() splits operators, words and integers, skipping blanks", () => {
  assertEquals(describe(tokenize("a<>b != c<=1>=2\t<3>4\n(x,y)")), [
    "word:a",
    "<>",
    "word:b",
    "!=",
    "word:c",
    "<=",
    "integer:1",
    ">=",
    "integer:2",
    "<",
    "integer:3",
    ">",
    "integer:4",
    "(",
    "word:x",
    ",",
    "word:y",
    ")",
    "eof",
  ]);
});

Deno.test("tokenize() keeps signs apart from digits so that 5-3 is a subtraction", () => {
  assertEquals(describe(tokenize("5-3+-1")), ["integer:5", "-", "integer:3", "+", "-", "integer:1", "eof"]);
});

Deno.test("tokenize() treats a run of letters, digits and underscores as one word", () => {
  assertEquals(describe(tokenize("CONCAT_WS 1abc abc1 007")), [
    "word:CONCAT_WS",
    "word:1abc",
    "word:abc1",
    "integer:007",
    "eof",
  ]);
});

const STRINGS: [string, string][] = [
  [`'abc'`, "abc"],
  [`"abc"`, "abc"],
  [`''`, ""],
  [`'a"b\\'c'`, `a"b'c`],
  [`"a'b\\"c"`, `a'b"c`],
  [`'it''s'`, "it's"],
  [`"say ""hi"""`, `say "hi"`],
  [`'a\\%b\\_c'`, "a\\%b\\_c"],
  [`'ends with \\\\'`, "ends with \\\\"],
  [`'ünïcödé 😀'`, "ünïcödé 😀"],
];

for (const [source, value] of STRINGS) {
  Deno.test(`tokenize() reads the string literal ${source} as ${JSON.stringify(value)}`, () => {
    assertEquals(describe(tokenize(source)), [`string:${value}`, "eof"]);
  });
}

Deno.test("tokenize() refuses an unterminated string and points at its opening quote", () => {
  assertThrows(() => tokenize("x = 'abc"), (e) => e instanceof CesqlParseError && e.position === 4);
  assertThrows(() => tokenize("x = 'abc\\'"), (e) => e instanceof CesqlParseError && e.position === 4);
});

Deno.test("tokenize() refuses characters CESQL does not know and points at them", () => {
  for (const [source, position] of [["a ! b", 2], ["a == b;", 6], ["é", 0], ["a & b", 2]] as const) {
    assertThrows(() => tokenize(source), (e) => e instanceof CesqlParseError && e.position === position);
  }
});
