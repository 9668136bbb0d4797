/** The `serving.knative.dev/v1` kinds: Services are written by users, the rest are derived. */
import type { KindInfo } from "./kinds.ts";
import { parseService, ServiceDocument, type TemplateValidator } from "./service.ts";
import type { Route } from "./serving_kinds.ts";

export function servingKinds(validateTemplate?: TemplateValidator): KindInfo[] {
  const group = "serving.knative.dev";
  const version = "v1";
  return [
    {
      group,
      version,
      plural: "services",
      kind: "Service",
      schema: ServiceDocument,
      parse(doc) {
        const { service, errors } = parseService(doc, validateTemplate);
        return { object: service, errors };
      },
    },
    { group, version, plural: "configurations", kind: "Configuration", readOnly: true },
    { group, version, plural: "routes", kind: "Route", readOnly: true },
    {
      group,
      version,
      plural: "revisions",
      kind: "Revision",
      readOnly: true,
      refuseDelete(rev, store) {
        // A revision that traffic still targets stays; any other may go.
        for (const route of store.list<Route>("Route", rev.metadata.namespace)) {
          if (route.status?.traffic?.some((t) => t.revisionName === rev.metadata.name)) {
            return `revision "${rev.metadata.name}" still receives traffic from route "${route.metadata.name}"`;
          }
        }
        return null;
      },
    },
  ];
}
