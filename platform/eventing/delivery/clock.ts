/** The platform's one clock abstraction lives in platform/clock/; delivery code imports it from here too. */
export { type Clock, systemClock } from "../../clock/clock.ts";
