import { afterEach, describe, expect, it, vi } from "vitest";
import { sharedReadCache } from "@/server/core/shared-read-cache";

/** A load whose reads the test finishes by hand, counting how many started. */
function manualLoad<V>() {
  const pending: { resolve: (v: V) => void; reject: (e: Error) => void }[] = [];
  const load = () => new Promise<V>((resolve, reject) => pending.push({ resolve, reject }));
  return { load, pending };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("sharedReadCache", () => {
  afterEach(() => vi.useRealTimers());

  it("requests arriving while a value is due share one read, and the value is kept for freshMs", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    const cache = sharedReadCache<number>({ freshMs: 1_000 });
    const { load, pending } = manualLoad<number>();
    const answers = Promise.all([cache.get("k", load), cache.get("k", load), cache.get("k", load)]);
    expect(pending).toHaveLength(1);
    pending[0]!.resolve(7);
    expect(await answers).toEqual([7, 7, 7]);
    vi.setSystemTime(t0 + 999);
    expect(await cache.get("k", load)).toBe(7);
    expect(pending).toHaveLength(1);
    vi.setSystemTime(t0 + 1_000); // due, no stale window: wait for the new read
    const next = cache.get("k", load);
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(8);
    expect(await next).toBe(8);
  });

  it("keys are cached apart", async () => {
    const cache = sharedReadCache<string>({ freshMs: 1_000 });
    expect(await cache.get("a", async () => "A")).toBe("A");
    expect(await cache.get("b", async () => "B")).toBe("B");
    expect(await cache.get("a", async () => "other")).toBe("A");
  });

  it("within staleMs past due the last value answers while one read refreshes it; past that, requests wait", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    const cache = sharedReadCache<number>({ freshMs: 1_000, staleMs: 1_000 });
    expect(await cache.get("k", async () => 1)).toBe(1);
    const { load, pending } = manualLoad<number>();
    vi.setSystemTime(t0 + 1_500);
    expect(await cache.get("k", load)).toBe(1);
    expect(await cache.get("k", load)).toBe(1);
    expect(pending).toHaveLength(1);
    pending[0]!.resolve(2);
    await settle();
    expect(await cache.get("k", load)).toBe(2); // fresh again from t0 + 1_500
    vi.setSystemTime(t0 + 1_500 + 2_000);
    const waited = cache.get("k", load);
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(3);
    expect(await waited).toBe(3);
  });

  it("fresh reads now, whatever is cached", async () => {
    const cache = sharedReadCache<number>({ freshMs: 60_000 });
    expect(await cache.get("k", async () => 1)).toBe(1);
    expect(await cache.get("k", async () => 2, { fresh: true })).toBe(2);
    expect(await cache.get("k", async () => 3)).toBe(2);
    // also while a read is under way (it may predate the change being waited for)
    const { load, pending } = manualLoad<number>();
    const under = cache.get("k", load, { fresh: true });
    const again = cache.get("k", load, { fresh: true });
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(5);
    pending[0]!.resolve(4);
    expect([await under, await again]).toEqual([4, 5]);
    expect(await cache.get("k", async () => 6)).toBe(5);
  });

  it("a read under way when the key is forgotten is not put back in the cache", async () => {
    const cache = sharedReadCache<number>({ freshMs: 60_000 });
    const { load, pending } = manualLoad<number>();
    const old = cache.get("k", load);
    cache.forget("k");
    const after = cache.get("k", load); // a new read, not the forgotten one
    expect(pending).toHaveLength(2);
    pending[0]!.resolve(1);
    pending[1]!.resolve(2);
    expect(await old).toBe(1);
    expect(await after).toBe(2);
    expect(await cache.get("k", async () => 9)).toBe(2);
    cache.forget();
    expect(await cache.get("k", async () => 9)).toBe(9);
  });

  it("a failed read is not cached: its requests see the error and the next request reads again", async () => {
    const cache = sharedReadCache<number>({ freshMs: 60_000 });
    const { load, pending } = manualLoad<number>();
    const both = Promise.allSettled([cache.get("k", load), cache.get("k", load)]);
    pending[0]!.reject(new Error("database away"));
    expect((await both).map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await cache.get("k", async () => 4)).toBe(4);
  });

  it("a failed refresh in the stale window does not fail the requests answered with the last value", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    const cache = sharedReadCache<number>({ freshMs: 1_000, staleMs: 1_000 });
    expect(await cache.get("k", async () => 1)).toBe(1);
    vi.setSystemTime(t0 + 1_200);
    const { load, pending } = manualLoad<number>();
    expect(await cache.get("k", load)).toBe(1);
    pending[0]!.reject(new Error("database away"));
    await settle();
    expect(await cache.get("k", async () => 5)).toBe(1); // still within the window: answered, and a new read runs
    await settle();
    expect(await cache.get("k", async () => 6)).toBe(5);
  });
});
