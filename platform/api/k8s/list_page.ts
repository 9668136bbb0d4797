/** `limit`/`continue` paging of a sorted list: the token names the last item given (base64 JSON). */
import type { KObject } from "../../resources/meta.ts";

export class ContinueError extends Error {}

export interface Page {
  items: KObject[];
  continue?: string;
  remainingItemCount?: number;
}

const keyOf = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** `items` must be sorted by namespace then name (as the store lists them). */
export function pageOf(items: KObject[], limit: number | undefined, token: string | undefined): Page {
  let rest = items;
  if (token) {
    let after: string;
    try {
      after = JSON.parse(atob(token.replaceAll("-", "+").replaceAll("_", "/"))).after;
    } catch {
      throw new ContinueError("the continue token is not one this server gave");
    }
    if (typeof after !== "string") throw new ContinueError("the continue token is not one this server gave");
    rest = items.filter((o) => keyOf(o) > after);
  }
  if (!limit || limit <= 0 || rest.length <= limit) return { items: rest };
  const page = rest.slice(0, limit);
  const next = btoa(JSON.stringify({ after: keyOf(page[page.length - 1]) })).replaceAll("+", "-").replaceAll(
    "/",
    "_",
  );
  return { items: page, continue: next, remainingItemCount: rest.length - limit };
}
