/**
 * Values read from the database on almost every request and changed rarely (settings, the
 * reader snapshot): kept for `freshMs`. When one is due, one read refreshes it and requests
 * arriving meanwhile share that read instead of each starting their own (twenty readers
 * pressing Next case the moment it expired used to read it twenty times). Up to `staleMs`
 * past due, requests go on with the last value while that read runs.
 *
 * `forget` (a change saved in this process) drops the value and any read under way: that read
 * may have seen the database before the change, so it is not put back in the cache.
 */
export function sharedReadCache<V>(config: { freshMs: number; staleMs?: number }) {
  const { freshMs, staleMs = 0 } = config;
  const values = new Map<string, { at: number; value: V }>();
  const reads = new Map<string, Promise<V>>();

  function refresh(key: string, load: () => Promise<V>): Promise<V> {
    const running = reads.get(key);
    if (running) return running;
    const read: Promise<V> = load()
      .then((value) => {
        if (reads.get(key) === read) values.set(key, { at: Date.now(), value });
        return value;
      })
      .finally(() => {
        if (reads.get(key) === read) reads.delete(key);
      });
    reads.set(key, read);
    return read;
  }

  return {
    /** The value under `key`; `load` reads it when due. `fresh`: read now, whatever is cached. */
    get(key: string, load: () => Promise<V>, options: { fresh?: boolean } = {}): Promise<V> {
      const hit = values.get(key);
      const age = hit ? Date.now() - hit.at : Infinity;
      if (hit && !options.fresh && age < freshMs) return Promise.resolve(hit.value);
      if (options.fresh) reads.delete(key);
      const next = refresh(key, load);
      if (!hit || options.fresh || age >= freshMs + staleMs) return next;
      next.catch(() => undefined); // the next request past due tries again
      return Promise.resolve(hit.value);
    },
    /** Drops `key` (every key when none is given) and the reads under way for it. */
    forget(key?: string): void {
      if (key === undefined) {
        values.clear();
        reads.clear();
      } else {
        values.delete(key);
        reads.delete(key);
      }
    },
  };
}
