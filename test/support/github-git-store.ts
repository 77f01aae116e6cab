/**
 * The test GitHub server's Git database API (git/get-commit, git/create-tree,
 * git/create-commit, git/get-ref, git/create-ref, git/update-ref) served on
 * the real bare repository with git plumbing, keyed by GitHub's operationId.
 * A commit created without an author is made as GitHub makes it: committer
 * "GitHub <noreply@github.com>", author the token's bot, and verified.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { errorReply, type Call, type Reply } from "./github-pull-store.ts";

/** The identity GITHUB_TOKEN commits as. */
export const tokenIdentity = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com",
} as const;

const docs = "https://docs.github.com/rest/git";

type Body = Readonly<Record<string, unknown>>;

/** GraphQL's `RefUpdate` input. */
export interface RefUpdate {
  readonly name: string;
  readonly afterOid: string;
  readonly beforeOid?: string;
  readonly force?: boolean;
}

/** `git` in `gitDir` with `input` on stdin and `env` added; rejects with git's stderr. */
function git(
  gitDir: string,
  args: readonly string[],
  options: { readonly input?: string; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      ["-C", gitDir, ...args],
      { env: { ...process.env, ...options.env }, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`git ${args.join(" ")}: ${stderr.trim()}`, { cause: err }));
        else resolve(stdout);
      },
    );
    // A git that exits without reading stdin must not fail the test with EPIPE.
    child.stdin?.on("error", () => undefined);
    if (options.input === undefined) child.stdin?.end();
    else child.stdin?.end(options.input);
  });
}

const unprocessable = (message: string): Reply => ({
  status: 422,
  json: { message, documentation_url: docs },
});

/** A commit as `git cat-file commit` prints it. */
interface RawCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: Person;
  readonly committer: Person;
  readonly message: string;
}

interface Person {
  readonly name: string;
  readonly email: string;
  readonly date: string;
}

/** The Git database of `owner/repo`, which is the bare repository `gitDir`. */
export class GitStore {
  /** Commits GitHub would have signed: made through the API without an author. */
  readonly signed = new Set<string>();
  readonly #owner: string;
  readonly #repo: string;
  readonly #gitDir: string;
  readonly #origin: () => string;

  constructor(where: { owner: string; repo: string; gitDir: string }, origin: () => string) {
    this.#owner = where.owner;
    this.#repo = where.repo;
    this.#gitDir = where.gitDir;
    this.#origin = origin;
  }

  /** The handlers by operationId. */
  handlers(): Readonly<Record<string, (call: Call) => Promise<Reply>>> {
    const mine = (serve: (c: Call) => Promise<Reply>) => (c: Call) =>
      c.params.owner === this.#owner && c.params.repo === this.#repo
        ? serve(c)
        : Promise.resolve(errorReply(404, "Not Found"));
    return {
      "git/get-commit": mine((c) => this.#getCommit(String(c.params.commit_sha))),
      "git/create-tree": mine((c) => this.#createTree(c.body as Body)),
      "git/create-commit": mine((c) => this.#createCommit(c.body as Body)),
      "git/get-ref": mine((c) => this.#getRef(String(c.params.ref))),
      "git/create-ref": mine((c) => this.#createRef(c.body as Body)),
      "git/update-ref": mine((c) => this.#updateRef(String(c.params.ref), c.body as Body)),
    };
  }

  async #getCommit(sha: string): Promise<Reply> {
    if ((await this.#typeOf(sha)) !== "commit") return errorReply(404, "Not Found");
    return { status: 200, json: await this.#commitJson(sha) };
  }

  async #createTree(body: Body): Promise<Reply> {
    const base = typeof body.base_tree === "string" ? body.base_tree : undefined;
    if (base !== undefined && (await this.#typeOf(base)) !== "tree")
      return unprocessable("base_tree is not a valid tree oid");
    const entries = body.tree as readonly Body[];
    const scratch = await mkdtemp(path.join(tmpdir(), "isg-github-index-"));
    const env = { GIT_INDEX_FILE: path.join(scratch, "index") };
    try {
      await git(this.#gitDir, base === undefined ? ["read-tree", "--empty"] : ["read-tree", base], {
        env,
      });
      for (const entry of entries) {
        const problem = await this.#stage(entry, env);
        if (problem !== undefined) return unprocessable(problem);
      }
      const sha = (await git(this.#gitDir, ["write-tree"], { env })).trim();
      return { status: 201, json: await this.#treeJson(sha) };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Puts one create-tree entry into the index `env` names; a problem GitHub would answer 422 with, or undefined. */
  async #stage(entry: Body, env: Readonly<Record<string, string>>): Promise<string | undefined> {
    const file = String(entry.path);
    if (entry.sha === null) {
      await git(this.#gitDir, ["update-index", "--force-remove", "--", file], { env });
      return undefined;
    }
    let sha: string;
    if (typeof entry.content === "string") {
      sha = (
        await git(this.#gitDir, ["hash-object", "-w", "--stdin"], { input: entry.content })
      ).trim();
    } else if (typeof entry.sha === "string" && (await this.#typeOf(entry.sha)) !== undefined) {
      sha = entry.sha;
    } else {
      return `tree.sha ${JSON.stringify(entry.sha)} is not a valid object`;
    }
    const mode = typeof entry.mode === "string" ? entry.mode : "100644";
    await git(this.#gitDir, ["update-index", "--add", "--cacheinfo", `${mode},${sha},${file}`], {
      env,
    });
    return undefined;
  }

  async #createCommit(body: Body): Promise<Reply> {
    const tree = String(body.tree);
    if ((await this.#typeOf(tree)) !== "tree") return unprocessable("Tree SHA does not exist");
    const parents = (body.parents as readonly string[] | undefined) ?? [];
    for (const parent of parents) {
      if ((await this.#typeOf(parent)) !== "commit")
        return unprocessable("Parent SHA does not exist or is not a commit object");
    }
    const author = (body.author as Body | undefined) ?? tokenIdentity;
    const committer =
      (body.committer as Body | undefined) ??
      (body.author === undefined ? { name: "GitHub", email: "noreply@github.com" } : author);
    const env = {
      GIT_AUTHOR_NAME: String(author.name),
      GIT_AUTHOR_EMAIL: String(author.email),
      GIT_COMMITTER_NAME: String(committer.name),
      GIT_COMMITTER_EMAIL: String(committer.email),
    };
    const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
    // stdin, not -m: the message is stored verbatim, without a newline added.
    const sha = (await git(this.#gitDir, args, { input: String(body.message), env })).trim();
    // GitHub signs what it commits as itself: no author, committer or signature given.
    if (body.author === undefined && body.committer === undefined && body.signature === undefined)
      this.signed.add(sha);
    return { status: 201, json: await this.#commitJson(sha) };
  }

  async #getRef(ref: string): Promise<Reply> {
    const sha = await this.#resolve(`refs/${ref}`);
    if (sha === undefined) return errorReply(404, "Not Found");
    return { status: 200, json: this.#refJson(`refs/${ref}`, sha) };
  }

  async #createRef(body: Body): Promise<Reply> {
    const ref = String(body.ref);
    const sha = String(body.sha);
    if (!/^refs\/.+\/.+/.test(ref))
      return unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
    if ((await this.#typeOf(sha)) === undefined) return unprocessable("Object does not exist");
    try {
      // An empty old value: git refuses when the ref exists, atomically.
      await git(this.#gitDir, ["update-ref", ref, sha, ""]);
    } catch {
      return unprocessable("Reference already exists");
    }
    return { status: 201, json: this.#refJson(ref, sha) };
  }

  async #updateRef(ref: string, body: Body): Promise<Reply> {
    const full = `refs/${ref}`;
    const sha = String(body.sha);
    const old = await this.#resolve(full);
    if (old === undefined) return unprocessable("Reference does not exist");
    if ((await this.#typeOf(sha)) === undefined) return unprocessable("Object does not exist");
    if (body.force !== true && !(await this.#isAncestor(old, sha)))
      return unprocessable("Update is not a fast forward");
    await git(this.#gitDir, ["update-ref", full, sha, old]);
    return { status: 200, json: this.#refJson(full, sha) };
  }

  /**
   * GraphQL `updateRefs` on the bare repository, all or nothing: each ref
   * must be at its `beforeOid` (forty zeros: absent), and a move that is not
   * a fast-forward needs `force`. Resolves with why it refused, or undefined
   * when every ref moved.
   */
  async updateRefs(updates: readonly RefUpdate[]): Promise<string | undefined> {
    const zero = "0".repeat(40);
    const lines = ["start"];
    for (const u of updates) {
      if ((await this.#typeOf(u.afterOid)) === undefined && u.afterOid !== zero)
        return `Object ${u.afterOid} does not exist`;
      const current = await this.#resolve(u.name);
      if (u.beforeOid !== undefined && (current ?? zero) !== u.beforeOid)
        return `A ref update failed: ${u.name} is at ${current ?? zero}, not ${u.beforeOid}`;
      if (
        u.force !== true &&
        current !== undefined &&
        !(await this.#isAncestor(current, u.afterOid))
      )
        return `A ref update failed: ${u.name} would not be fast-forwarded`;
      // git checks the old value again under its own lock: the swap is atomic.
      lines.push(`update ${u.name} ${u.afterOid} ${current ?? zero}`);
    }
    lines.push("prepare", "commit", "");
    try {
      await git(this.#gitDir, ["update-ref", "--stdin"], { input: lines.join("\n") });
    } catch (err) {
      return `A ref update failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    return undefined;
  }

  async #typeOf(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    try {
      return (await git(this.#gitDir, ["cat-file", "-t", sha])).trim();
    } catch {
      return undefined;
    }
  }

  async #resolve(ref: string): Promise<string | undefined> {
    try {
      return (await git(this.#gitDir, ["rev-parse", "--verify", "--quiet", ref])).trim();
    } catch {
      return undefined;
    }
  }

  async #isAncestor(old: string, sha: string): Promise<boolean> {
    try {
      await git(this.#gitDir, ["merge-base", "--is-ancestor", old, sha]);
      return true;
    } catch {
      return false;
    }
  }

  async #commitJson(sha: string): Promise<Record<string, unknown>> {
    const raw = parseRawCommit(await git(this.#gitDir, ["cat-file", "commit", sha]));
    const verified = this.signed.has(sha);
    return {
      sha,
      node_id: `C_${sha.slice(0, 16)}`,
      url: this.#apiUrl(`git/commits/${sha}`),
      html_url: this.#htmlUrl(`commit/${sha}`),
      author: raw.author,
      committer: raw.committer,
      message: raw.message,
      tree: { sha: raw.tree, url: this.#apiUrl(`git/trees/${raw.tree}`) },
      parents: raw.parents.map((p) => ({
        sha: p,
        url: this.#apiUrl(`git/commits/${p}`),
        html_url: this.#htmlUrl(`commit/${p}`),
      })),
      verification: verified
        ? {
            verified: true,
            reason: "valid",
            signature: "-----BEGIN PGP SIGNATURE-----\n(test server)\n-----END PGP SIGNATURE-----",
            payload: `tree ${raw.tree}`,
            verified_at: raw.committer.date,
          }
        : {
            verified: false,
            reason: "unsigned",
            signature: null,
            payload: null,
            verified_at: null,
          },
    };
  }

  async #treeJson(sha: string): Promise<Record<string, unknown>> {
    const listing = await git(this.#gitDir, ["ls-tree", "-l", "-z", sha]);
    const tree = listing
      .split("\0")
      .filter((line) => line !== "")
      .map((line) => {
        const [meta = "", name = ""] = line.split("\t");
        const [mode = "", type = "", entrySha = "", size = "-"] = meta.split(/\s+/);
        return {
          path: name,
          mode,
          type,
          sha: entrySha,
          ...(size === "-" ? {} : { size: Number(size) }),
          url: this.#apiUrl(`git/${type === "tree" ? "trees" : "blobs"}/${entrySha}`),
        };
      });
    return { sha, url: this.#apiUrl(`git/trees/${sha}`), truncated: false, tree };
  }

  #refJson(ref: string, sha: string): Record<string, unknown> {
    return {
      ref,
      node_id: `REF_${Buffer.from(ref).toString("base64url")}`,
      url: this.#apiUrl(`git/${ref}`),
      object: { type: "commit", sha, url: this.#apiUrl(`git/commits/${sha}`) },
    };
  }

  #apiUrl(rest: string): string {
    return `${this.#origin()}/repos/${this.#owner}/${this.#repo}/${rest}`;
  }

  #htmlUrl(rest: string): string {
    return `https://github.com/${this.#owner}/${this.#repo}/${rest}`;
  }
}

/** Splits `git cat-file commit` output into its headers and the verbatim message. */
function parseRawCommit(text: string): RawCommit {
  const split = text.indexOf("\n\n");
  const head = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? "" : text.slice(split + 2);
  const lines = head.split("\n");
  const value = (key: string): string =>
    lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1) ?? "";
  return {
    tree: value("tree"),
    parents: lines.filter((l) => l.startsWith("parent ")).map((l) => l.slice("parent ".length)),
    author: parsePerson(value("author")),
    committer: parsePerson(value("committer")),
    message,
  };
}

/** `Name <email> 1700000000 +0000` → name, email and an ISO date (UTC, as GitHub sends it). */
function parsePerson(line: string): Person {
  const match = /^(.*) <([^>]*)> (\d+) [+-]\d{4}$/.exec(line);
  const seconds = Number(match?.[3] ?? 0);
  return {
    name: match?.[1] ?? "",
    email: match?.[2] ?? "",
    date: new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z"),
  };
}
