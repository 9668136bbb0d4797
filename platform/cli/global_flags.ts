/** The flags every `dn` command takes. */
import type { FlagSpec } from "./args.ts";

export const GLOBAL_FLAGS: FlagSpec[] = [
  {
    name: "namespace",
    short: "n",
    placeholder: "NS",
    description: 'namespace to work in (default "default")',
  },
  {
    name: "output",
    short: "o",
    placeholder: "FORMAT",
    description: "print objects as json or yaml instead of text",
  },
  {
    name: "admin",
    placeholder: "URL",
    description: "admin API address (default $DENATIVE_ADMIN or http://127.0.0.1:8081)",
  },
  {
    name: "token",
    placeholder: "TOKEN",
    description: "admin bearer token (default $DENATIVE_TOKEN or <state>/admin-token)",
  },
  {
    name: "state",
    placeholder: "DIR",
    description: "the platform's state directory, to find its token (default .denative)",
  },
  { name: "help", short: "h", type: "boolean", description: "show help" },
];
