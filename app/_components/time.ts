import { formatMinutes } from "@/lib/priority/engine";

export function minutesBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 60_000;
}

export function dueLabel(dueAt: Date, now: Date): { text: string; overdue: boolean } {
  const left = minutesBetween(now, dueAt);
  return left >= 0
    ? { text: `due in ${formatMinutes(left)}`, overdue: false }
    : { text: `overdue ${formatMinutes(left)}`, overdue: true };
}

export { formatMinutes };
