/** What the data plane hands a request to once it knows the revision: the router's only view of serving. */
export interface RevisionBackend {
  /** Serves a request; `url` is what the function sees, `clientIp` becomes X-Forwarded-For. */
  dispatch(request: Request, url: string, clientIp?: string): Promise<Response>;
}

/** Finds the backend of a revision, or undefined when it cannot serve (not ready, gone). */
export type BackendLookup = (
  namespace: string,
  revision: string,
) => Promise<RevisionBackend | undefined> | RevisionBackend | undefined;
