/** The feature areas every platform node runs, in start order. Add one line per area. */
import type { PlatformExtension } from "./extension.ts";

export const EXTENSIONS: PlatformExtension[] = [];
