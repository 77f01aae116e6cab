/**
 * Image platforms (`os/arch[/variant]`): how an index lists them, how the
 * config and `--platform` name them. Pure; shared by the registry client,
 * the planner and the CLI.
 */

/** An image platform, as an index lists it. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** Parses "os/arch[/variant]". */
export function parsePlatform(text: string): Platform | undefined {
  const [os, architecture, variant, extra] = text.split("/");
  if (
    os === undefined ||
    os === "" ||
    architecture === undefined ||
    architecture === "" ||
    extra !== undefined
  )
    return undefined;
  return variant === undefined || variant === ""
    ? { os, architecture }
    : { os, architecture, variant };
}

/** "os/arch[/variant]". */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant]
    .filter((p) => p !== undefined)
    .join("/");
}
