/**
 * Finds where one HTTP/1.1 response ends in a byte buffer (Content-Length or chunked body), so
 * the Deno load generator can reuse keep-alive connections without a full HTTP client.
 */

export interface ResponseSpan {
  status: number;
  /** Bytes the whole response takes, head and body. */
  length: number;
}

const CR = 13;
const LF = 10;
const latin1 = new TextDecoder("latin1");

function headEnd(buf: Uint8Array, len: number): number {
  for (let i = 3; i < len; i++) {
    if (buf[i] === LF && buf[i - 1] === CR && buf[i - 2] === LF && buf[i - 3] === CR) return i + 1;
  }
  return -1;
}

function lineEnd(buf: Uint8Array, from: number, len: number): number {
  for (let i = from + 1; i < len; i++) if (buf[i] === LF && buf[i - 1] === CR) return i + 1;
  return -1;
}

/** The first complete response in `buf[0..len)`, or null when more bytes are needed. */
export function completeResponse(buf: Uint8Array, len: number): ResponseSpan | null {
  const end = headEnd(buf, len);
  if (end < 0) return null;
  const head = latin1.decode(buf.subarray(0, end));
  const status = Number(head.slice(9, 12));
  if (Number.isNaN(status)) throw new Error(`not an HTTP response: ${head.slice(0, 40)}`);
  const contentLength = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (contentLength) {
    const total = end + Number(contentLength[1]);
    return total <= len ? { status, length: total } : null;
  }
  if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) {
    let at = end;
    while (true) {
      const next = lineEnd(buf, at, len);
      if (next < 0) return null;
      const size = parseInt(latin1.decode(buf.subarray(at, next - 2)), 16);
      if (size === 0) {
        // No trailers expected: the last chunk is followed by an empty line.
        return next + 2 <= len ? { status, length: next + 2 } : null;
      }
      at = next + size + 2;
      if (at > len) return null;
    }
  }
  // No body framing: only bodiless statuses are expected here.
  return { status, length: end };
}
