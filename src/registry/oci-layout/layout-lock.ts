/**
 * One writer of index.json at a time per layout directory in this process.
 * A tag write is read-modify-write of one file; two interleaved writes would
 * each start from the old index and the second rename would drop the first
 * tag. Keyed by the absolute directory, so two OciLayout objects on the same
 * directory share the queue. Other processes are not excluded (neither
 * skopeo nor go-containerregistry lock a layout).
 */

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task for `dir` has settled; resolves or rejects as it does. */
export function serialised<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(dir) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(dir, settled);
  // Forget the queue once it is empty, so the map does not grow with every layout ever written.
  void settled.then(() => {
    if (queues.get(dir) === settled) queues.delete(dir);
  });
  return next;
}
