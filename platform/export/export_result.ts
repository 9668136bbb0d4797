/** What an export wrote: the Services' build contexts, the document files and the Secrets to create. */
import type { ImageSpec } from "./container_image.ts";
import type { SecretReference } from "./export_documents.ts";

export interface ExportedService {
  namespace: string;
  name: string;
  image: string;
  /** The build context, relative to the export directory. */
  context: string;
  spec: ImageSpec;
}

export interface ExportResult {
  services: ExportedService[];
  /** Document files, relative to the export directory. */
  documents: string[];
  secrets: SecretReference[];
}
