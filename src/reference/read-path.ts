/**
 * Validation of the repository path of a reference, one `/`-separated
 * component at a time, so errors point at the component that is wrong.
 */
import { ANCHORED_PATH_COMPONENT } from "./grammar.ts";
import { ReferenceParseError } from "./parse-error.ts";

const COMPONENT_RULE =
  'components must be lower-case letters and digits separated by ".", "_", "__" or dashes';

/**
 * Checks that `input[start, end)` is a remote name: path components matching
 * `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, joined by single slashes.
 *
 * @throws ReferenceParseError with reason `NAME_UPPERCASE` (the path would be
 *   valid in lower case; index on the first upper-case letter) or
 *   `NAME_INVALID` (index on the start of the bad component).
 */
export function readPath(input: string, start: number, end: number): void {
  const path = input.slice(start, end);
  let offset = start;
  for (const component of path.split("/")) {
    if (!ANCHORED_PATH_COMPONENT.test(component))
      throw badComponent(input, component, offset, path);
    offset += component.length + 1;
  }
}

function badComponent(
  input: string,
  component: string,
  offset: number,
  path: string,
): ReferenceParseError {
  if (component !== "" && ANCHORED_PATH_COMPONENT.test(component.toLowerCase())) {
    let upper = 0;
    while (upper < component.length && component[upper] === component[upper]?.toLowerCase())
      upper++;
    const message = `repository name "${path}" must be lowercase`;
    return new ReferenceParseError({
      reason: "NAME_UPPERCASE",
      input,
      index: offset + upper,
      message,
    });
  }
  const message =
    component === ""
      ? `invalid repository name "${path}": path components must not be empty`
      : `invalid path component "${component}": ${COMPONENT_RULE}`;
  return new ReferenceParseError({ reason: "NAME_INVALID", input, index: offset, message });
}
