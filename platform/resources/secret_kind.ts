/** The core `v1` `secrets` kind for the admin API, at `/api/v1/namespaces/{ns}/secrets/{name}`. */
import type { KindInfo } from "./kinds.ts";
import { parseSecret, presentSecret, SecretDocument } from "./secret.ts";

export function secretKind(): KindInfo {
  return {
    group: "",
    version: "v1",
    plural: "secrets",
    kind: "Secret",
    schema: SecretDocument,
    parse(doc) {
      const { secret, errors } = parseSecret(doc);
      return { object: secret, errors };
    },
    present: presentSecret,
  };
}
