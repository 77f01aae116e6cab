/** How the writer parses a file: with the loader's options (model/yaml-options.ts). */
import { parseAllDocuments, type Document } from "yaml";
import { InternalError } from "../errors.ts";
import { kubernetesYamlOptions } from "../model/yaml-options.ts";

/** The loader's parse options: an edit must land on the node the loader validated. */
export const parseOptions = kubernetesYamlOptions;

/**
 * Parses every document of `text`. Throws INTERNAL when document `index`
 * (when given) is missing or has syntax errors: the planner only edits
 * documents the loader could read.
 */
export function parseDocuments(text: string, index?: number): Document.Parsed[] {
  const documents = parseAllDocuments(text, parseOptions) as Document.Parsed[];
  if (index === undefined) return documents;
  const document = documents[index];
  if (document === undefined) {
    throw new InternalError(`the file has no document ${index}`);
  }
  const first = document.errors[0];
  if (first !== undefined) {
    const message = first.message.split("\n")[0] ?? "";
    throw new InternalError(`document ${index} has YAML errors: ${message}`);
  }
  return documents;
}
