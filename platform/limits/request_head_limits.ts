/**
 * Limits on a request's head, checked before anything else reads it: a URL longer than
 * `maxUrlBytes` is a 414, header fields larger than `maxHeaderBytes` together a 431. (Deno's HTTP
 * server itself refuses heads of roughly 100 KB and more with a 400 before any handler runs.)
 */
export interface HeadLimits {
  maxUrlBytes: number;
  maxHeaderBytes: number;
}

export interface HeadProblem {
  status: 414 | 431;
  message: string;
}

/** What is wrong with the request's head, or undefined when it is within the limits. */
export function headProblem(request: Request, limits: HeadLimits): HeadProblem | undefined {
  // The path and query as the client sent them (the scheme and host come from the Host header).
  const url = request.url;
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  const target = pathStart < 0 ? 1 : url.length - pathStart;
  if (target > limits.maxUrlBytes) {
    return { status: 414, message: `the request URL is longer than ${limits.maxUrlBytes} bytes` };
  }
  let size = 0;
  // name: value\r\n, as on the wire.
  request.headers.forEach((value, name) => (size += name.length + value.length + 4));
  if (size > limits.maxHeaderBytes) {
    return {
      status: 431,
      message: `the request's header fields are larger than ${limits.maxHeaderBytes} bytes together`,
    };
  }
  return undefined;
}
