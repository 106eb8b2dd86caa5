/** Small descriptive statistics, pure. */
export type Summary = { n: number; mean: number; p95: number; max: number };

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarise(values: number[]): Summary {
  if (values.length === 0) return { n: 0, mean: NaN, p95: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { n: sorted.length, mean, p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1]! };
}

/** Mean waiting time in queue of an M/M/c system (Erlang C), in the time unit of the rates. */
export function erlangCWaitingTime(arrivalRate: number, serviceRate: number, servers: number): number {
  const a = arrivalRate / serviceRate;
  const rho = a / servers;
  if (rho >= 1) return Infinity;
  let term = 1;
  let sum = 1; // k = 0
  for (let k = 1; k < servers; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / servers / (1 - rho); // a^c / c! / (1 - rho)
  const probWait = last / (sum + last);
  return probWait / (servers * serviceRate - arrivalRate);
}

/** Area under the ROC curve (Mann–Whitney U, ties counted half). */
export function rocAuc(scores: number[], labels: boolean[]): number {
  const pos = scores.filter((_, i) => labels[i]);
  const neg = scores.filter((_, i) => !labels[i]);
  if (pos.length === 0 || neg.length === 0) return NaN;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}
