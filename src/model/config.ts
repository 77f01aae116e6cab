/**
 * The reconciler's config with every default applied. Shapes come from
 * schemas/config.schema.json; this adds only which keys are always present.
 */
import type { Config, PullRequestSettings, RegistrySettings } from "./generated/config.ts";

/** The config file's name at the repository root. */
export const configFileName = "imagestream-gitops.yaml";

/** Config with defaults filled in (schemas/config.schema.json `default`s). */
export interface ResolvedConfig {
  readonly files: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  readonly namespace: string;
  readonly localRegistry?: string;
  readonly registries: { readonly [host: string]: RegistrySettings | undefined };
  readonly mirrors: NonNullable<Config["mirrors"]>;
  readonly importMode: NonNullable<Config["importMode"]>;
  readonly platform: string;
  readonly requirePlatforms: readonly string[];
  readonly minimumAge: string;
  readonly history: number;
  readonly schedule: string;
  /** Every key defaulted but where the forge is, which comes from the CI's environment when absent. */
  readonly pullRequest: Required<Omit<PullRequestSettings, "apiUrl" | "repository">> &
    Pick<PullRequestSettings, "apiUrl" | "repository">;
  /** Repository-relative path of the file it came from; undefined when there is none. */
  readonly source: string | undefined;
}
