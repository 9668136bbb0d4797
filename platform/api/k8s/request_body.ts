/**
 * Request bodies of the Kubernetes API: JSON or YAML documents (by Content-Type), the protobuf that
 * kubectl's typed clients send for core kinds, and DeleteOptions; bounded in size.
 */
import { HTTPException } from "hono/http-exception";
import YAML from "yaml";
import { statusBody } from "../status_body.ts";
import * as errors from "./errors.ts";
import { isObject } from "./patch.ts";
import { decodeKubeProtobuf, PROTOBUF_TYPE, ProtobufError } from "./protobuf.ts";

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export class RequestBodies {
  constructor(private readonly maxBytes: number) {}

  async bytes(req: Request): Promise<Uint8Array> {
    const len = Number(req.headers.get("content-length") ?? 0);
    if (len > this.maxBytes) {
      throw new HTTPException(413, {
        res: statusBody(413, "RequestEntityTooLarge", "the body is too large"),
      });
    }
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.length > this.maxBytes) {
      throw new HTTPException(413, {
        res: statusBody(413, "RequestEntityTooLarge", "the body is too large"),
      });
    }
    return bytes;
  }

  async text(req: Request): Promise<string> {
    return new TextDecoder().decode(await this.bytes(req));
  }

  /** A JSON or YAML document, by Content-Type (JSON when it does not say; `prefer` for apply bodies). */
  async document(req: Request, prefer: "json" | "yaml" = "json"): Promise<Record<string, unknown>> {
    const type = req.headers.get("content-type") ?? "";
    if (type.startsWith(PROTOBUF_TYPE)) {
      try {
        return decodeKubeProtobuf(await this.bytes(req));
      } catch (err) {
        if (err instanceof ProtobufError) {
          throw errors.unsupportedMediaType(`${PROTOBUF_TYPE} (${err.message})`);
        }
        throw err;
      }
    }
    const text = await this.text(req);
    const yaml = /yaml/i.test(type) || prefer === "yaml";
    let doc: unknown;
    try {
      doc = yaml ? YAML.parse(text) : JSON.parse(text);
    } catch (err) {
      throw errors.badRequest(`the body is not valid ${yaml ? "YAML" : "JSON"}: ${(err as Error).message}`);
    }
    if (!isObject(doc)) throw errors.badRequest("the body must be one object document");
    return doc;
  }

  async deleteOptions(req: Request): Promise<DeleteOptions> {
    const text = await this.text(req);
    if (!text.trim()) return {};
    try {
      const doc = JSON.parse(text);
      return isObject(doc) ? doc : {};
    } catch {
      throw errors.badRequest("the DeleteOptions body is not valid JSON");
    }
  }
}
