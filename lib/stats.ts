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

/**
 * Area under the ROC curve as the Mann–Whitney statistic: the chance that a random positive
 * scores above a random negative, ties counting one half. From mid-ranks, in O(n log n), so a
 * bootstrap of thousands of resamples stays quick. NaN without both classes.
 */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPositives = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1; // ranks count from 1
    for (let k = i; k <= j; k++) if (labels[order[k]!]) rankSumPositives += midRank;
    i = j + 1;
  }
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
