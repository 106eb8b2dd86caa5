import type { Db } from "../db/client";
import { getRoutingConfig } from "../core/settings";
import { coverage, type ReaderAccess, type RoutingContext, type Site } from "@/lib/routing/eligibility";
import { routingIsOn } from "@/lib/routing/routing-config";
import { sharedReadCache } from "../core/shared-read-cache";

const readerSelect = {
  id: true,
  name: true,
  readerProfile: { select: { trainee: true, onDuty: true, capRvu: true, shiftGroups: true } },
  readerGroups: { select: { groupKey: true, modalities: true, bodyParts: true } },
  credentials: { select: { sourceId: true, expiresOn: true } },
} as const;

type ReaderRow = {
  id: string;
  name: string;
  readerProfile: { trainee: boolean; onDuty: boolean; capRvu: number | null; shiftGroups: string[] } | null;
  readerGroups: { groupKey: string; modalities: string[]; bodyParts: string[] }[];
  credentials: { sourceId: string; expiresOn: Date | null }[];
};

/**
 * A reader without a profile is an attending, on duty, in no group (the state before routing).
 * On a shift that covers some of their groups only, they read (and cover) just those.
 */
const toAccess = (r: ReaderRow): ReaderAccess => {
  const shiftGroups = r.readerProfile?.shiftGroups ?? [];
  return {
    userId: r.id,
    name: r.name,
    trainee: r.readerProfile?.trainee ?? false,
    onDuty: r.readerProfile?.onDuty ?? true,
    memberships: r.readerGroups
      .filter((m) => shiftGroups.length === 0 || shiftGroups.includes(m.groupKey))
      .map((m) => ({ group: m.groupKey, modalities: m.modalities, bodyParts: m.bodyParts })),
    credentials: r.credentials,
    capRvu: r.readerProfile?.capRvu ?? null,
  };
};

/** One reader's access. */
export async function readerAccess(db: Db, userId: string): Promise<ReaderAccess | null> {
  const row = await db.user.findUnique({ where: { id: userId }, select: readerSelect });
  return row ? toAccess(row) : null;
}

/** Every enabled radiologist's access (for coverage and for "who may read this study"). */
export async function allReaderAccess(db: Db): Promise<ReaderAccess[]> {
  const rows = await db.user.findMany({
    where: { disabled: false, roles: { has: "radiologist" } },
    select: readerSelect,
    orderBy: { name: "asc" },
  });
  return rows.map(toAccess);
}

export async function sites(db: Db): Promise<Site[]> {
  return db.pacsSource.findMany({ select: { id: true, name: true, credentialRequired: true } });
}

// Coverage changes when someone goes on or off duty or a profile is saved: this process
// forgets it at once (forgetCoverage); other processes follow within seconds. Every worklist
// request needs it and it reads every reader, so it is kept between requests (3 s), shared by
// the requests arriving while it is due, and served up to 3 s past due while one read refreshes it.
type Snapshot = { readers: Map<string, ReaderAccess>; covered: Set<string>; sites: Map<string, Site> };
const snapshots = sharedReadCache<Snapshot>({ freshMs: 3_000, staleMs: 3_000 });

export function forgetCoverage() {
  snapshots.forget();
}

function snapshot(db: Db, now: Date): Promise<Snapshot> {
  return snapshots.get("readers", async () => {
    const [readers, siteList] = await Promise.all([allReaderAccess(db), sites(db)]);
    return {
      readers: new Map(readers.map((r) => [r.userId, r])),
      covered: coverage(readers, siteList, now),
      sites: new Map(siteList.map((s) => [s.id, s])),
    };
  });
}

/** What eligibility needs besides the reader: the routing config, the sites, which groups someone on duty covers. */
export async function routingContext(db: Db, now = new Date()): Promise<RoutingContext> {
  const config = await getRoutingConfig(db);
  if (!routingIsOn(config)) return { config, sites: new Map(), covered: new Set(), now };
  const snap = await snapshot(db, now);
  return { config, sites: snap.sites, covered: snap.covered, now };
}

/** A reader's access from the same few-seconds-old snapshot (every worklist request asks), else read afresh. */
export async function cachedReaderAccess(db: Db, userId: string, now = new Date()): Promise<ReaderAccess | null> {
  return (await snapshot(db, now)).readers.get(userId) ?? (await readerAccess(db, userId));
}

/** Every reader's access from the snapshot (push assignment weighs them all each round). */
export async function cachedReaders(db: Db, now = new Date()): Promise<ReaderAccess[]> {
  return [...(await snapshot(db, now)).readers.values()];
}
