/**
 * How the writer parses a file. The options must match src/load/parse-yaml.ts
 * (which write/ may not import): an edit located with other rules than the
 * loader's could land on a different node than the one that was validated.
 */
import { parseAllDocuments, type Document, type Tags } from "yaml";
import { InternalError } from "../errors.ts";

/** YAML 1.1 tags that Kubernetes' reader (go-yaml v2) does not turn into values. */
const unsupportedTags = new Set(
  ["timestamp", "omap", "set", "pairs"].map((t) => `tag:yaml.org,2002:${t}`),
);

/** The loader's parse options (src/load/parse-yaml.ts), copied; keep the two in step. */
export const parseOptions = {
  version: "1.1",
  merge: true,
  customTags: (tags: Tags) =>
    tags.filter((t) => typeof t === "string" || !unsupportedTags.has(t.tag)),
  keepSourceTokens: true,
  logLevel: "error",
  prettyErrors: false,
  uniqueKeys: true,
} as const;

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
