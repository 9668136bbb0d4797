import type { CesqlFunction } from "./cesql_function.ts";
import { INT32_MAX, INT32_MIN } from "./value.ts";

/** The math functions of section 3.5.2. */
export const MATH_FUNCTIONS: readonly CesqlFunction[] = [
  {
    name: "ABS",
    parameters: ["Integer"],
    returns: "Integer",
    call: ([x], report) => {
      const n = x as number;
      if (n === INT32_MIN) {
        report("math", `ABS(${n}) does not fit in a 32-bit integer`);
        return INT32_MAX;
      }
      return Math.abs(n);
    },
  },
];
