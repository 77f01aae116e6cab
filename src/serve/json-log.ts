/**
 * The scheduled runner's log: one JSON object per line, `time` (RFC 3339,
 * UTC), `level` and `msg` first, then the event's fields, as log collectors
 * (Loki, Cloud Logging, Elasticsearch) read them without a parser.
 * Callers pass only texts that are masked already and never the
 * environment; the log adds nothing of its own beyond the time.
 */

/** How much a line matters. */
export type LogLevel = "info" | "warn" | "error";

/** An event's fields: names to JSON values. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Writes structured log lines. */
export interface JsonLog {
  readonly info: (msg: string, fields?: LogFields) => void;
  readonly warn: (msg: string, fields?: LogFields) => void;
  readonly error: (msg: string, fields?: LogFields) => void;
  /** A log that adds `fields` to every line (a run's number, say). */
  readonly with: (fields: LogFields) => JsonLog;
}

const reserved = new Set(["time", "level", "msg"]);

/** A log writing each line (with its line break) through `write`, stamped by `now`. */
export function jsonLog(
  write: (line: string) => void,
  now: () => Date = () => new Date(),
  base: LogFields = {},
): JsonLog {
  const line = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    const extra = Object.entries({ ...base, ...fields }).filter(([key]) => !reserved.has(key));
    const record = { time: now().toISOString(), level, msg, ...Object.fromEntries(extra) };
    write(JSON.stringify(record, jsonSafe) + "\n");
  };
  return {
    info: (msg, fields) => {
      line("info", msg, fields);
    },
    warn: (msg, fields) => {
      line("warn", msg, fields);
    },
    error: (msg, fields) => {
      line("error", msg, fields);
    },
    with: (fields) => jsonLog(write, now, { ...base, ...fields }),
  };
}

/** Values JSON cannot hold as they are: bigints as strings, errors as their message. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}
