/**
 * The test GitHub server's GraphQL for commits made through the API: the
 * `repository(owner:, name:) { id }` query and the `updateRefs` mutation,
 * checked by hand against GitHub's GraphQL schema
 * (docs.github.com/graphql/reference/mutations#updaterefs, input objects
 * UpdateRefsInput and RefUpdate): variables declared with the schema's
 * types, only the fields the inputs have, the repository's own node id.
 */
import type { GitStore, RefUpdate } from "./github-git-store.ts";
import type { Reply } from "./github-pull-store.ts";

/** What the server answers GraphQL for, and the problems of a request that breaks the schema. */
export interface GraphqlAnswer {
  readonly reply: Reply;
  readonly problems: readonly string[];
}

interface Query {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

const refUpdateFields: Readonly<Record<string, "string" | "boolean">> = {
  name: "string",
  afterOid: "string",
  beforeOid: "string",
  force: "boolean",
};

const oid = /^[0-9a-f]{40}$/;

function parse(body: unknown): Query | undefined {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: unknown };
  if (typeof query !== "string") return undefined;
  return { query, variables: (variables ?? {}) as Record<string, unknown> };
}

/** `$name: Type` pairs an operation declares. */
function declared(query: string): Map<string, string> {
  const header = /^\s*(?:query|mutation)\s*(?:\w+\s*)?\(([^)]*)\)\s*\{/.exec(query);
  const vars = new Map<string, string>();
  for (const [, name, type] of (header?.[1] ?? "").matchAll(/\$(\w+)\s*:\s*([\w![\]]+)/g))
    if (name !== undefined && type !== undefined) vars.set(name, type);
  return vars;
}

function invalid(problems: readonly string[]): GraphqlAnswer {
  return {
    reply: { status: 200, json: { errors: problems.map((message) => ({ message })) } },
    problems,
  };
}

/** Whether `body` asks for this module's operations. */
export function isRefsOperation(body: unknown): boolean {
  const q = parse(body)?.query ?? "";
  return /\bupdateRefs\s*\(/.test(q) || /\brepository\s*\(/.test(q);
}

/** Answers the repository id query or the updateRefs mutation in `body`. */
export async function refsReply(
  body: unknown,
  repository: { readonly owner: string; readonly repo: string; readonly nodeId: string },
  store: GitStore,
): Promise<GraphqlAnswer> {
  const q = parse(body);
  if (q === undefined) return invalid(["body has no query string"]);
  return /\bupdateRefs\s*\(/.test(q.query)
    ? updateRefs(q, repository.nodeId, store)
    : Promise.resolve(repositoryId(q, repository));
}

function repositoryId(
  q: Query,
  repository: { readonly owner: string; readonly repo: string; readonly nodeId: string },
): GraphqlAnswer {
  const problems: string[] = [];
  if (!/^\s*query\b/.test(q.query)) problems.push("not a query");
  const vars = declared(q.query);
  const call =
    /repository\s*\(\s*owner\s*:\s*\$(\w+)\s*,\s*name\s*:\s*\$(\w+)\s*\)\s*\{\s*id\s*\}/.exec(
      q.query,
    );
  if (call === null) return invalid([...problems, "no repository(owner: $x, name: $y) { id }"]);
  const [, ownerVar = "", nameVar = ""] = call;
  for (const v of [ownerVar, nameVar]) {
    if (vars.get(v) !== "String!")
      problems.push(`$${v} is ${vars.get(v) ?? "undeclared"}; owner and name take String!`);
    if (typeof q.variables[v] !== "string") problems.push(`$${v} has no string value`);
  }
  if (problems.length > 0) return invalid(problems);
  const found =
    q.variables[ownerVar] === repository.owner && q.variables[nameVar] === repository.repo;
  if (!found) {
    const message = `Could not resolve to a Repository with the name '${String(q.variables[ownerVar])}/${String(q.variables[nameVar])}'.`;
    return {
      reply: {
        status: 200,
        json: {
          data: { repository: null },
          errors: [{ type: "NOT_FOUND", path: ["repository"], message }],
        },
      },
      problems: [],
    };
  }
  return {
    reply: { status: 200, json: { data: { repository: { id: repository.nodeId } } } },
    problems: [],
  };
}

async function updateRefs(q: Query, nodeId: string, store: GitStore): Promise<GraphqlAnswer> {
  const problems: string[] = [];
  if (!/^\s*mutation\b/.test(q.query)) problems.push("not a mutation");
  const vars = declared(q.query);
  const input = /updateRefs\s*\(\s*input\s*:\s*\{([^}]*)\}\s*\)/.exec(q.query)?.[1];
  if (input === undefined) return invalid([...problems, "no updateRefs(input: {...})"]);
  const fields = new Map<string, string>();
  for (const [, field, value] of input.matchAll(/(\w+)\s*:\s*\$(\w+)/g))
    if (field !== undefined && value !== undefined) fields.set(field, value);
  for (const field of fields.keys())
    if (!["repositoryId", "refUpdates", "clientMutationId"].includes(field))
      problems.push(`UpdateRefsInput has no field "${field}"`);
  const idVar = fields.get("repositoryId");
  const updatesVar = fields.get("refUpdates");
  if (idVar === undefined || updatesVar === undefined)
    return invalid([...problems, "input lacks repositoryId or refUpdates (both required)"]);
  if (vars.get(idVar) !== "ID!")
    problems.push(`$${idVar} is ${vars.get(idVar) ?? "undeclared"}; repositoryId takes ID!`);
  if (vars.get(updatesVar) !== "[RefUpdate!]!")
    problems.push(
      `$${updatesVar} is ${vars.get(updatesVar) ?? "undeclared"}; refUpdates takes [RefUpdate!]!`,
    );
  const updates = q.variables[updatesVar];
  if (!Array.isArray(updates) || updates.length === 0)
    problems.push("refUpdates is not a non-empty list");
  else problems.push(...updates.flatMap((u, i) => refUpdateProblems(u, i)));
  if (problems.length > 0) return invalid(problems);
  if (q.variables[idVar] !== nodeId) {
    const message = `Could not resolve to a node with the global id of '${String(q.variables[idVar])}'`;
    return {
      reply: {
        status: 200,
        json: {
          data: { updateRefs: null },
          errors: [{ type: "NOT_FOUND", path: ["updateRefs"], message }],
        },
      },
      problems: [],
    };
  }
  const refused = await store.updateRefs(updates as RefUpdate[]);
  if (refused !== undefined) {
    const errors = [{ type: "UNPROCESSABLE", path: ["updateRefs"], message: refused }];
    return { reply: { status: 200, json: { data: { updateRefs: null }, errors } }, problems: [] };
  }
  return {
    reply: { status: 200, json: { data: { updateRefs: { clientMutationId: null } } } },
    problems: [],
  };
}

function refUpdateProblems(update: unknown, i: number): string[] {
  if (typeof update !== "object" || update === null)
    return [`refUpdates[${String(i)}] is not an object`];
  const problems: string[] = [];
  const u = update as Record<string, unknown>;
  for (const [key, value] of Object.entries(u)) {
    const type = refUpdateFields[key];
    if (type === undefined) problems.push(`RefUpdate has no field "${key}"`);
    else if (typeof value !== type) problems.push(`RefUpdate.${key} is not a ${type}`);
  }
  if (typeof u.name !== "string" || !u.name.startsWith("refs/"))
    problems.push("RefUpdate.name is not a fully qualified ref (GitRefname!)");
  if (typeof u.afterOid !== "string" || !oid.test(u.afterOid))
    problems.push("RefUpdate.afterOid is not a GitObjectID");
  if (u.beforeOid !== undefined && (typeof u.beforeOid !== "string" || !oid.test(u.beforeOid)))
    problems.push("RefUpdate.beforeOid is not a GitObjectID");
  return problems;
}
