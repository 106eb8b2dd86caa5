/**
 * Delay before the next attempt after `failures` consecutive failures: exponential
 * from `baseMs`, capped at `maxMs`, with "equal jitter" (half the ceiling fixed, half
 * random) so many sources (or workers) do not retry in lockstep, yet never retry at once. `random` is injected to keep this pure and testable.
 */
export function backoffDelayMs(failures: number, random: () => number, baseMs = 2_000, maxMs = 5 * 60_000): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
