/** The platform's one test clock lives in platform/clock/; delivery tests import it from here too. */
export { FakeClock } from "../../clock/fake_clock.ts";
