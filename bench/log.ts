/** Progress lines on stderr, so stdout holds only the tables (or `--json`). */

/** Writes `message` to stderr, prefixed with `bench:`. */
export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Runs `task` over `items`, `limit` at a time; resolves to the results in order. */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
