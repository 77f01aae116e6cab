/**
 * Turns ajv's errors into schema issues a person can act on: OpenShift's own
 * messages where the schema carries one (`x-message`), the offending value
 * echoed, unknown fields named with a suggestion, and one issue per place
 * instead of an anyOf cascade. Pure; callers attach positions.
 */
import type { ErrorObject } from "ajv";
import type { DiagnosticCode, Severity } from "../model/diagnostic.ts";
import { messageKeyword } from "./schemas.ts";
import { closest } from "./suggest.ts";

/** One schema problem, positioned by pointer (and key, for unknown fields). */
export interface SchemaIssue {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly pointer: string;
  readonly key?: string;
  readonly message: string;
  readonly hint?: string;
}

/** Options for {@link schemaIssues}. */
export interface SchemaIssueOptions {
  /** Unknown fields are errors, as with `kubectl --validate=strict`. */
  readonly strict: boolean;
  /** The code for problems other than unknown fields. */
  readonly code?: DiagnosticCode;
}

/** Maps ajv errors (validated with allErrors and verbose) to issues. */
export function schemaIssues(
  errors: readonly ErrorObject[],
  options: SchemaIssueOptions,
): SchemaIssue[] {
  const issues = new Map<string, SchemaIssue>();
  for (const error of withoutCascades(errors)) {
    const issue = toIssue(error, options);
    const id = `${issue.pointer}\0${issue.key ?? ""}\0${issue.message}`;
    if (!issues.has(id)) issues.set(id, issue);
  }
  return [...issues.values()];
}

/**
 * Drops anyOf/oneOf errors and keeps one branch error per place, so a value
 * that matches no branch reads as one problem, not three.
 */
function withoutCascades(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (e.keyword === "anyOf" || e.keyword === "oneOf") return false;
    const parent = combinators.find(
      (c) => c.instancePath === e.instancePath && e.schemaPath.startsWith(c.schemaPath + "/"),
    );
    if (parent === undefined) return true;
    if (seen.has(parent.schemaPath + parent.instancePath)) return false;
    seen.add(parent.schemaPath + parent.instancePath);
    return true;
  });
}

function toIssue(error: ErrorObject, options: SchemaIssueOptions): SchemaIssue {
  const pointer = error.instancePath;
  if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties") {
    return unknownField(error, options.strict);
  }
  const code = options.code ?? "SCHEMA";
  if (error.keyword === "required") {
    const field = (error.params as { missingProperty: string }).missingProperty;
    return { code, severity: "error", pointer, message: `missing required field "${field}"` };
  }
  const custom = customMessage(error);
  const value = echo(error.data);
  const rule = custom ?? ajvRule(error);
  const message = error.data === undefined ? rule : `${value}: ${rule}`;
  return { code, severity: "error", pointer, message, ...hintFor(error) };
}

function unknownField(error: ErrorObject, strict: boolean): SchemaIssue {
  const params = error.params as { additionalProperty?: string; unevaluatedProperty?: string };
  const field = params.additionalProperty ?? params.unevaluatedProperty ?? "";
  const known = Object.keys(
    (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
  );
  const suggestion = closest(field, known);
  return {
    code: "UNKNOWN_FIELD",
    severity: strict ? "error" : "warning",
    pointer: error.instancePath,
    key: field,
    message: `unknown field "${field}"`,
    hint:
      suggestion === undefined
        ? `known fields here: ${known.join(", ")}`
        : `did you mean "${suggestion}"?`,
  };
}

/** The schema's own message for the keyword that failed, if it has one. */
function customMessage(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as Record<string, unknown> | undefined;
  const messages = schema?.[messageKeyword] as Record<string, unknown> | undefined;
  const message = messages?.[error.keyword];
  return typeof message === "string" ? message : undefined;
}

function ajvRule(error: ErrorObject): string {
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (error.keyword === "const") {
    return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
  }
  return error.message ?? `fails the schema rule "${error.keyword}"`;
}

function hintFor(error: ErrorObject): { hint?: string } {
  const expected = (error.params as { type?: string | string[] }).type;
  const wantsString =
    expected === "string" || (Array.isArray(expected) && expected[0] === "string");
  const data: unknown = error.data;
  if (error.keyword !== "type" || !wantsString) return {};
  if (typeof data === "number") {
    return { hint: 'YAML reads this as a number: quote it, as in name: "2.0"' };
  }
  if (typeof data === "boolean") {
    return {
      hint: 'YAML 1.1, as Kubernetes reads it, takes this as a boolean: quote it, as in name: "on"',
    };
  }
  return {};
}

/** The value as the user would recognise it, shortened. */
function echo(value: unknown): string {
  // JSON.stringify returns undefined for undefined, whatever its typings say.
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Nesting deep enough to overflow JSON.stringify: say what it is instead.
    text = Array.isArray(value) ? "[...]" : "{...}";
  }
  // JSON has no Infinity or NaN (YAML's .inf and .nan): name them.
  if (typeof value === "number" && !Number.isFinite(value)) text = String(value);
  text ??= String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
