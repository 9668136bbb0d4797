import type { CesqlFunction } from "./cesql_function.ts";
import { CASTING_FUNCTIONS } from "./casting_functions.ts";
import { MATH_FUNCTIONS } from "./math_functions.ts";
import { STRING_FUNCTIONS } from "./string_functions.ts";

interface Overloads {
  readonly byArity: Map<number, CesqlFunction>;
  variadic?: CesqlFunction;
}

/**
 * Functions by case-insensitive name and arity (section 3.5). Overloads differ by arity only; a name has at most
 * one variadic overload, whose fixed parameters outnumber every other overload's, so dispatch is unambiguous.
 */
export class FunctionRegistry {
  readonly #byName = new Map<string, Overloads>();

  constructor(functions: readonly CesqlFunction[]) {
    for (const fn of functions) this.#add(fn);
  }

  /** The overload of `name` taking `arity` arguments, or undefined when there is none. */
  resolve(name: string, arity: number): CesqlFunction | undefined {
    const overloads = this.#byName.get(name.toUpperCase());
    if (overloads === undefined) return undefined;
    const exact = overloads.byArity.get(arity);
    if (exact !== undefined) return exact;
    const variadic = overloads.variadic;
    return variadic !== undefined && arity >= variadic.parameters.length ? variadic : undefined;
  }

  #add(fn: CesqlFunction): void {
    const name = fn.name.toUpperCase();
    const overloads: Overloads = this.#byName.get(name) ?? { byArity: new Map() };
    const fixedArities = [...overloads.byArity.keys()];
    if (fn.variadic !== undefined) {
      if (overloads.variadic !== undefined) throw new Error(`${name} already has a variadic overload`);
      if (fixedArities.some((arity) => arity >= fn.parameters.length)) {
        throw new Error(`${name}: a variadic overload needs more fixed parameters than any other overload`);
      }
      overloads.variadic = fn;
    } else {
      const arity = fn.parameters.length;
      if (overloads.byArity.has(arity)) throw new Error(`${name} already has an overload of arity ${arity}`);
      if (overloads.variadic !== undefined && overloads.variadic.parameters.length <= arity) {
        throw new Error(`${name}: arity ${arity} clashes with its variadic overload`);
      }
      overloads.byArity.set(arity, fn);
    }
    this.#byName.set(name, overloads);
  }
}

/** The built-in functions every CESQL engine provides. */
export const BUILTIN_FUNCTIONS: FunctionRegistry = new FunctionRegistry([
  ...STRING_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...CASTING_FUNCTIONS,
]);
