/**
 * The one place this function names its Kafka client package. A function's bundle runs without the
 * project's import map (deno.json), so the `npm:` specifier must be written out, and is, only here.
 */
export { Kafka, logLevel, Partitioners } from "npm:kafkajs@^2.2.4";
export type { Consumer, Producer } from "npm:kafkajs@^2.2.4";
