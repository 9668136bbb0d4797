import type { CesqlFunction } from "./cesql_function.ts";
import { castFailureMessage, explicitCast, implicitCast } from "./cast.ts";
import { type CesqlType, type CesqlValue, zeroValue } from "./value.ts";

function castFunction(name: string, target: CesqlType): CesqlFunction {
  return {
    name,
    parameters: ["Any"],
    returns: target,
    call: ([x], report) => {
      const cast = explicitCast(x, target);
      if (cast !== undefined) return cast;
      report("cast", castFailureMessage(x, target));
      return zeroValue(target);
    },
  };
}

/** IS_<type>(x) is true when `x` can stand where a `type` is expected, i.e. its implicit cast succeeds. */
function typeTestFunction(name: string, target: CesqlType): CesqlFunction {
  return {
    name,
    parameters: ["Any"],
    returns: "Boolean",
    call: ([x]) => implicitCast(x as CesqlValue, target) !== undefined,
  };
}

/** The casting and type-testing functions of the CESQL TCK. */
export const CASTING_FUNCTIONS: readonly CesqlFunction[] = [
  castFunction("INT", "Integer"),
  castFunction("BOOL", "Boolean"),
  castFunction("STRING", "String"),
  typeTestFunction("IS_INT", "Integer"),
  typeTestFunction("IS_BOOL", "Boolean"),
  typeTestFunction("IS_STRING", "String"),
];
