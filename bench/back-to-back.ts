/**
 * Readers pressing Next case back to back: each reader presses, reads what it got, and presses
 * again at once (no reading time), all readers at the same time. The loop starts with every
 * reader pressing at the same instant, so its first presses are a burst (measured on their own
 * as bursts); `steady` leaves out each reader's first `ramp` presses, `fromStart` keeps them.
 */
export async function backToBack<C>(
  clients: C[],
  { ramp, measured }: { ramp: number; measured: number },
  press: (client: C, out: number[]) => Promise<string | null>,
  read: (client: C, id: string) => Promise<unknown>,
) {
  const steady: number[] = [];
  const fromStart: number[] = [];
  await Promise.all(
    clients.map(async (c) => {
      for (let i = 0; i < ramp + measured; i++) {
        const times: number[] = [];
        const id = await press(c, times);
        fromStart.push(...times);
        if (i >= ramp) steady.push(...times);
        if (id) await read(c, id);
      }
    }),
  );
  return { steady, fromStart };
}
