// Generated from schemas/config.schema.json by `npm run gen:types`. Do not edit.

/**
 * imagestream-gitops.yaml at the repository root. Optional; every key has a default.
 */
export interface Config {
  /**
   * Which files hold image streams and workloads. Globs are relative to the repository root.
   */
  readonly files?: {
    readonly include?: readonly string[];
    readonly exclude?: readonly string[];
  };
  /**
   * The namespace of objects that name none.
   */
  readonly namespace?: string;
  /**
   * Plays OpenShift's integrated registry: tags with referencePolicy Local resolve to <localRegistry>/<namespace>/<stream>@<digest>, and images are mirrored there first.
   */
  readonly localRegistry?: string;
  /**
   * Per registry host (host[:port]).
   */
  readonly registries?: {
    readonly [k: string]: RegistrySettings | undefined;
  };
  /**
   * Extra mirror mappings, as oc image mirror's SRC=DST.
   */
  readonly mirrors?: {
    readonly from: string;
    readonly to: string;
  }[];
  /**
   * Import mode of tags that set none. Legacy records one platform's manifest; PreserveOriginal records the index.
   */
  readonly importMode?: "Legacy" | "PreserveOriginal";
  /**
   * The platform Legacy imports pick from a multi-platform image.
   */
  readonly platform?: string;
  readonly requirePlatforms?: readonly string[];
  /**
   * An image younger than this is not imported yet, e.g. 2h or 1h30m.
   */
  readonly minimumAge?: string;
  /**
   * Status items kept per tag; 0 keeps every item.
   */
  readonly history?: number;
  /**
   * The scheduled runner's cron expression.
   */
  readonly schedule?: string;
  readonly pullRequest?: PullRequestSettings;
}
export interface RegistrySettings {
  /**
   * Skip TLS verification and fall back to plain HTTP.
   */
  readonly insecure?: boolean;
  /**
   * PEM CA bundle, relative to the repository root.
   */
  readonly ca?: string;
  readonly concurrency?: number;
  /**
   * Serve this host from another registry (host[:port][/prefix]) or from an OCI layout directory (oci:<dir>).
   */
  readonly location?: string;
}
export interface PullRequestSettings {
  readonly forge?: "github" | "gitlab" | "gitea" | "local";
  readonly base?: string;
  readonly branch?: string;
  readonly perStream?: boolean;
  readonly labels?: readonly string[];
  /**
   * Users (and, on GitHub, org/team) asked for a review when the pull request is opened.
   */
  readonly reviewers?: readonly string[];
  readonly assignees?: readonly string[];
  /**
   * Turn on the forge's own auto-merge, with this method, when the pull request is opened.
   */
  readonly autoMerge?: false | "merge" | "squash" | "rebase";
  /**
   * Author and committer of the tool's commits, as 'Name <email>'.
   */
  readonly author?: string;
  /**
   * git: commit with git and push with a lease. api (GitHub only): create the commit through GitHub's Git database API, which GitHub signs, so it shows as Verified; the author is the token's identity.
   */
  readonly commitVia?: "git" | "api";
  /**
   * The forge's API root (default: GitHub's, or GITHUB_API_URL / CI_API_V4_URL in CI); for GitHub Enterprise https://HOST/api/v3.
   */
  readonly apiUrl?: string;
  /**
   * owner/name on the forge (GitLab: the project's full path); default: GITHUB_REPOSITORY / CI_PROJECT_PATH, else the origin remote's URL.
   */
  readonly repository?: string;
}
