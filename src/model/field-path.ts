/**
 * The trigger fieldPath grammar (SEMANTICS.md §6.2, D2):
 *
 *   fieldPath := <podSpecPath> "." ("containers" | "initContainers") "[" selector "]" ".image"
 *   selector  := <decimal index>
 *              | "?(@.name==\"" NAME "\")"     canonical, the only form OpenShift accepts
 *              | "?(@.name='" NAME "')"        the seeds' form (also with "=="): accepted, with a warning
 *
 * Pure; the loader turns failures into diagnostics, the writer follows targets.
 */

/** Which container list a fieldPath names. */
export type ContainerList = "containers" | "initContainers";

/** How the selector was written. */
export type SelectorForm = "canonical" | "single-quoted" | "index";

/** A parsed fieldPath. */
export interface FieldPath {
  readonly list: ContainerList;
  readonly form: SelectorForm;
  /** Set for name selectors. */
  readonly name?: string;
  /** Set for index selectors. */
  readonly index?: number;
}

/** Why a fieldPath did not parse. */
export type FieldPathProblem =
  | { readonly reason: "PREFIX"; readonly message: string }
  | { readonly reason: "INVALID"; readonly message: string };

const selectorPattern =
  /^(containers|initContainers)\[(?:(\d+)|\?\(@\.name=="([^"]+)"\)|\?\(@\.name==?'([^']+)'\))\]\.image$/;

/** Parses `path` for a kind whose pod spec lives at `podSpecPath`. */
export function parseFieldPath(path: string, podSpecPath: string): FieldPath | FieldPathProblem {
  const prefix = podSpecPath + ".";
  if (!path.startsWith(prefix)) {
    return {
      reason: "PREFIX",
      message: `field path ${JSON.stringify(path)} does not start with this kind's pod spec path "${podSpecPath}"`,
    };
  }
  const match = selectorPattern.exec(path.slice(prefix.length));
  if (match === null) {
    return { reason: "INVALID", message: `field path is not valid: ${path}` };
  }
  const list = match[1] as ContainerList;
  if (match[2] !== undefined) return { list, form: "index", index: Number(match[2]) };
  if (match[3] !== undefined) return { list, form: "canonical", name: match[3] };
  return { list, form: "single-quoted", name: match[4] ?? "" };
}

/** True when `value` is a problem rather than a parsed path. */
export function isFieldPathProblem(value: FieldPath | FieldPathProblem): value is FieldPathProblem {
  return "reason" in value;
}

/** The canonical spelling of a name selector path, as `oc set triggers` writes it. */
export function canonicalFieldPath(podSpecPath: string, list: ContainerList, name: string): string {
  return `${podSpecPath}.${list}[?(@.name==${JSON.stringify(name)})].image`;
}
