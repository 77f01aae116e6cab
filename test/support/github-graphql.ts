/**
 * The one GraphQL operation the test GitHub server serves:
 * `enablePullRequestAutoMerge`. GraphQL is not in the OpenAPI description,
 * so the request is checked by hand against GitHub's GraphQL schema for that
 * mutation (docs.github.com/graphql/reference/mutations#enablepullrequestautomerge):
 * a `mutation`, its variables declared with the schema's types, only the
 * input fields `EnablePullRequestAutoMergeInput` has, a known merge method.
 */
import type { Reply, StoredPull } from "./github-pull-store.ts";

/** `EnablePullRequestAutoMergeInput`'s fields and the GraphQL type of each. */
const inputFields: Readonly<Record<string, string>> = {
  pullRequestId: "ID!",
  mergeMethod: "PullRequestMergeMethod",
  authorEmail: "String",
  clientMutationId: "String",
  commitBody: "String",
  commitHeadline: "String",
  expectedHeadOid: "GitObjectID",
};

const mergeMethods = ["MERGE", "SQUASH", "REBASE"] as const;

/**
 * Performs the mutation in `body` on `pulls` (sets the pull's auto-merge).
 * `problems` lists where the request breaks the schema; the reply then is
 * GraphQL's 200 with `errors`, as GitHub answers an invalid query.
 */
export function autoMergeReply(
  body: unknown,
  pulls: StoredPull[],
): { readonly reply: Reply; readonly problems: readonly string[] } {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: unknown };
  const problems =
    typeof query === "string" ? checkQuery(query, variables) : ["body has no query string"];
  if (problems.length > 0 || typeof query !== "string") {
    return {
      reply: { status: 200, json: { errors: problems.map((message) => ({ message })) } },
      problems,
    };
  }
  const input = resolveInput(query, variables as Record<string, unknown> | undefined);
  const pull = pulls.find((p) => p.nodeId === input.pullRequestId);
  if (pull === undefined) {
    const message = `Could not resolve to a node with the global id of '${String(input.pullRequestId)}'`;
    const errors = [{ type: "NOT_FOUND", path: ["enablePullRequestAutoMerge"], message }];
    return {
      reply: { status: 200, json: { data: { enablePullRequestAutoMerge: null }, errors } },
      problems,
    };
  }
  pull.autoMerge = (input.mergeMethod as StoredPull["autoMerge"]) ?? "MERGE";
  const data = { enablePullRequestAutoMerge: { pullRequest: { number: pull.number } } };
  return { reply: { status: 200, json: { data } }, problems };
}

function checkQuery(query: string, variables: unknown): string[] {
  const problems: string[] = [];
  const header = /^\s*mutation\s*(?:\w+\s*)?\(([^)]*)\)\s*\{/.exec(query);
  const declared = new Map<string, string>();
  for (const [, name, type] of (header?.[1] ?? "").matchAll(/\$(\w+)\s*:\s*([\w!]+)/g)) {
    if (name !== undefined && type !== undefined) declared.set(name, type);
  }
  if (!/^\s*mutation\b/.test(query)) problems.push("not a mutation");
  const input = /enablePullRequestAutoMerge\s*\(\s*input\s*:\s*\{([^}]*)\}\s*\)/.exec(query);
  if (input?.[1] === undefined) return [...problems, "no enablePullRequestAutoMerge(input: {...})"];
  const vars = (variables ?? {}) as Record<string, unknown>;
  for (const [, field, value] of input[1].matchAll(/(\w+)\s*:\s*(\$\w+|"[^"]*"|\w+)/g)) {
    if (field === undefined || value === undefined) continue;
    const want = inputFields[field];
    if (want === undefined)
      problems.push(`EnablePullRequestAutoMergeInput has no field "${field}"`);
    else if (value.startsWith("$"))
      problems.push(...checkVariable(field, want, value.slice(1), declared, vars));
  }
  if (!/pullRequestId\s*:/.test(input[1])) problems.push("input lacks the required pullRequestId");
  return problems;
}

function checkVariable(
  field: string,
  want: string,
  name: string,
  declared: ReadonlyMap<string, string>,
  vars: Readonly<Record<string, unknown>>,
): string[] {
  const type = declared.get(name);
  if (type === undefined) return [`variable $${name} is not declared`];
  if (
    type.replace(/!$/, "") !== want.replace(/!$/, "") ||
    (want.endsWith("!") && !type.endsWith("!"))
  ) {
    return [`$${name} is ${type}; ${field} takes ${want}`];
  }
  const value = vars[name];
  if (
    want.startsWith("PullRequestMergeMethod") &&
    value !== undefined &&
    !mergeMethods.includes(value as (typeof mergeMethods)[number])
  ) {
    return [`mergeMethod ${JSON.stringify(value)} is not one of ${mergeMethods.join(", ")}`];
  }
  if (type.endsWith("!") && typeof value !== "string")
    return [`variable $${name} (${type}) has no string value`];
  return [];
}

function resolveInput(
  query: string,
  variables: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const fields = /input\s*:\s*\{([^}]*)\}/.exec(query)?.[1] ?? "";
  for (const [, field, value] of fields.matchAll(/(\w+)\s*:\s*(\$\w+|"[^"]*"|\w+)/g)) {
    if (field === undefined || value === undefined) continue;
    input[field] = value.startsWith("$")
      ? variables?.[value.slice(1)]
      : value.replace(/^"|"$/g, "");
  }
  return input;
}
