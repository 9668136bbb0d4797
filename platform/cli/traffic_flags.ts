/**
 * kn's traffic flags applied to a Service's `spec.traffic`, in kn's order: `--untag TAG`, then
 * `--tag REF=TAG`, then `--traffic REF=PCT`. A REF is a revision name, a tag, or `@latest` (the
 * target that follows the latest ready revision). `--traffic` states the whole split: targets it
 * does not name get 0%, and targets left with 0% and no tag are dropped.
 */
import type { TrafficTarget } from "../resources/service.ts";
import { UsageError } from "./cli_error.ts";
import { splitKeyValue } from "./key_value.ts";

export const LATEST_REF = "@latest";

export interface TrafficEdits {
  /** `REF=PCT` */
  traffic: string[];
  /** `REF=TAG` */
  tags: string[];
  /** `TAG` */
  untags: string[];
}

export function hasTrafficEdits(edits: TrafficEdits): boolean {
  return edits.traffic.length + edits.tags.length + edits.untags.length > 0;
}

/** The traffic block after the edits; `current` is the Service's `spec.traffic` (absent = 100% @latest). */
export function editTraffic(current: TrafficTarget[] | undefined, edits: TrafficEdits): TrafficTarget[] {
  const split = parseSplit(edits.traffic);
  const tags = parseTags(edits.tags);
  let targets: TrafficTarget[] = current?.length
    ? structuredClone(current)
    : [{ latestRevision: true, percent: 100 }];

  for (const tag of edits.untags) {
    const target = targets.find((t) => t.tag === tag);
    if (!target) throw new UsageError(`--untag ${tag}: no traffic target has the tag "${tag}"`);
    delete target.tag;
  }

  for (const [ref, tag] of tags) {
    const holder = targets.find((t) => t.tag === tag);
    if (holder) {
      if (refersTo(holder, ref)) continue;
      throw new UsageError(`--tag ${ref}=${tag}: the tag "${tag}" is already in use; --untag it first`);
    }
    const untagged = targets.find((t) => !t.tag && refersTo(t, ref));
    if (untagged) untagged.tag = tag;
    else targets.push({ ...targetFor(ref), tag, percent: 0 });
  }

  if (split.length) {
    for (const t of targets) t.percent = 0;
    for (const [ref, percent] of split) {
      const target = ref === LATEST_REF
        ? targets.find((t) => t.latestRevision === true && !t.tag)
        : targets.find((t) => t.tag === ref) ??
          targets.find((t) => !t.tag && refersTo(t, ref)) ??
          targets.find((t) => refersTo(t, ref));
      if (target) target.percent = percent;
      else targets.push({ ...targetFor(ref), percent });
    }
  }

  targets = targets.filter((t) => t.tag || (t.percent ?? 0) > 0);
  return targets;
}

function refersTo(t: TrafficTarget, ref: string): boolean {
  return ref === LATEST_REF ? t.latestRevision === true : t.latestRevision !== true && t.revisionName === ref;
}

function targetFor(ref: string): TrafficTarget {
  return ref === LATEST_REF ? { latestRevision: true } : { revisionName: ref, latestRevision: false };
}

function parseSplit(entries: string[]): [string, number][] {
  const seen = new Set<string>();
  let sum = 0;
  const split = entries.map((entry): [string, number] => {
    const [ref, raw] = splitKeyValue("traffic", entry);
    const text = raw.endsWith("%") ? raw.slice(0, -1) : raw;
    const percent = Number(text);
    if (!/^\d+$/.test(text) || percent > 100) {
      throw new UsageError(`--traffic ${entry}: the percent must be a whole number from 0 to 100`);
    }
    if (seen.has(ref)) throw new UsageError(`--traffic names "${ref}" more than once`);
    seen.add(ref);
    sum += percent;
    return [ref, percent];
  });
  if (split.length && sum !== 100) {
    throw new UsageError(`--traffic percents add up to ${sum}, they must add up to 100`);
  }
  return split;
}

function parseTags(entries: string[]): [string, string][] {
  const seen = new Set<string>();
  return entries.map((entry) => {
    const [ref, tag] = splitKeyValue("tag", entry);
    if (!tag) throw new UsageError(`--tag ${entry}: the tag is empty`);
    if (seen.has(tag)) throw new UsageError(`--tag uses the tag "${tag}" more than once`);
    seen.add(tag);
    return [ref, tag];
  });
}
