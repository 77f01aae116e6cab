/**
 * The human output of `inspect`: aligned `Key: value` lines per reference,
 * several-valued keys continued on indented lines, sizes in the decimal
 * units `oc describe isimage` uses. Pure.
 */
import { alignColumns } from "./columns.ts";
import { formatPlatform, type Descriptor } from "../registry/manifest.ts";
import type { ImageMetadata } from "../registry/image-metadata.ts";
import type { Referrer } from "../registry/referrers.ts";
import type { InspectResult } from "./inspect.ts";

/** Width of the key column: the longest key, "Exposed Ports:", and two spaces. */
const keyWidth = 16;

/** The lines of one result, ending in a newline; "" when nothing was read at all. */
export function renderInspectResult(result: InspectResult): string {
  const lines: string[] = [];
  const field = (key: string, values: readonly string[]): void => {
    lines.push(...keyValueLines(key, values, keyWidth));
  };
  field("Name", [result.reference]);
  if (result.repository !== undefined) field("Repository", [result.repository]);
  const { descriptor } = result;
  if (descriptor !== undefined) {
    field("Digest", [descriptor.digest]);
    field("Media Type", [descriptor.mediaType]);
  }
  if (result.artifactType !== undefined) field("Artifact Type", [result.artifactType]);
  if (result.platforms !== undefined) field("Platforms", platformLines(result.platforms));
  if (result.image !== undefined) {
    if (result.picked !== undefined) {
      const why =
        result.picked === "legacy"
          ? "what a Legacy import records; --platform shows another"
          : "--platform";
      field("Platform", [`${platformOf(result.image)}  ${result.image.digest}  (${why})`]);
    }
    imageFields(result.image, field);
  }
  if (result.referrers !== undefined) field("Referrers", referrerLines(result.referrers));
  if (result.error !== undefined) field("Error", [result.error.message]);
  return lines.join("\n") + "\n";
}

/** `Key:` padded to `width`, then the first value; later values line up under it. */
export function keyValueLines(key: string, values: readonly string[], width: number): string[] {
  return values.map((value, i) => `${(i === 0 ? `${key}:` : "").padEnd(width)}${value}`.trimEnd());
}

/**
 * Bytes in decimal units with four significant digits, as Docker's
 * units.HumanSize (which `oc describe isimage` uses) prints them: 45.62MB.
 */
export function humanSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${String(Number(value.toPrecision(4)))}${units[unit] ?? "B"}`;
}

function imageFields(
  image: ImageMetadata,
  field: (key: string, values: readonly string[]) => void,
): void {
  const optional = (key: string, value: string | undefined): void => {
    if (value !== undefined) field(key, [value]);
  };
  optional("Created", image.created);
  field("Architecture", [image.architecture]);
  field("OS", [image.os]);
  optional("Variant", image.variant);
  optional("Author", image.author);
  optional("User", image.user);
  optional("Working Dir", image.workingDir);
  if (image.entrypoint.length > 0) field("Entrypoint", [commandLine(image.entrypoint)]);
  if (image.cmd.length > 0) field("Command", [commandLine(image.cmd)]);
  if (image.env.length > 0) field("Environment", image.env);
  if (image.exposedPorts.length > 0) field("Exposed Ports", [image.exposedPorts.join(", ")]);
  const labels = Object.entries(image.labels).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) field("Labels", labels);
  field(
    "Layers",
    image.layers.length === 0
      ? ["<none>"]
      : alignColumns(image.layers.map((l) => [humanSize(l.size), l.digest, l.mediaType])),
  );
  const count = image.layers.length;
  field("Image Size", [`${humanSize(image.size)} in ${count} layer${count === 1 ? "" : "s"}`]);
}

function platformLines(platforms: readonly Descriptor[]): string[] {
  if (platforms.length === 0) return ["<none>"];
  return alignColumns(
    platforms.map((p) => [
      p.platform === undefined ? "unknown" : formatPlatform(p.platform),
      p.digest,
    ]),
  );
}

function referrerLines(referrers: readonly Referrer[]): string[] {
  if (referrers.length === 0) return ["<none>"];
  return referrers.flatMap((r) => [
    `${r.artifactType ?? r.mediaType}  ${r.digest}  ${humanSize(r.size)}`,
    ...Object.entries(r.annotations ?? {}).map(([k, v]) => `  ${k}=${v}`),
  ]);
}

function platformOf(image: ImageMetadata): string {
  return formatPlatform({
    os: image.os,
    architecture: image.architecture,
    ...(image.variant === undefined ? {} : { variant: image.variant }),
  });
}

/** Arguments as a shell would read them back: quoted when they hold spaces or quotes. */
function commandLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}
