/** Sequence and Parallel (`flows.knative.dev/v1`) as a node extension: their kinds and reconciler. */
import type { PlatformExtension } from "../../extension.ts";
import type { KindInfo } from "../../resources/kinds.ts";
import { ParallelDocument, parseParallel, parseSequence, SequenceDocument } from "./flow_resources.ts";
import { FlowsReconciler } from "./flows_reconciler.ts";

export function flowKinds(): KindInfo[] {
  const group = "flows.knative.dev";
  return [
    {
      group,
      version: "v1",
      plural: "sequences",
      kind: "Sequence",
      schema: SequenceDocument,
      parse: parseSequence,
    },
    {
      group,
      version: "v1",
      plural: "parallels",
      kind: "Parallel",
      schema: ParallelDocument,
      parse: parseParallel,
    },
  ];
}

export const flowsExtension: PlatformExtension = {
  name: "eventing-flows",
  create(parts) {
    const reconciler = new FlowsReconciler({ store: parts.store, log: parts.log.child("flows") });
    return {
      kinds: flowKinds(),
      start: () => reconciler.start(),
      stop: () => reconciler.stop(),
    };
  },
};
