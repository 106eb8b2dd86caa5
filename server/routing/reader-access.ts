import { hotQuery, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { getRoutingConfig } from "../core/settings";
import { coverage, type ReaderAccess, type RoutingContext, type Site } from "@/lib/routing/eligibility";
import { routingIsOn } from "@/lib/routing/routing-config";
import { sharedReadCache } from "../core/shared-read-cache";

/** What the read below returns per user: groups and credentials as JSON (a date as "YYYY-MM-DD"). */
type ReaderRow = {
  id: string;
  name: string;
  profile: { trainee: boolean; onDuty: boolean; capRvu: number | null; shiftGroups: string[] } | null;
  readerGroups: { groupKey: string; modalities: string[]; bodyParts: string[] }[];
  credentials: { sourceId: string; expiresOn: string | null }[];
};

/**
 * A reader without a profile is an attending, on duty, in no group (the state before routing).
 * On a shift that covers some of their groups only, they read (and cover) just those.
 */
const toAccess = (r: ReaderRow): ReaderAccess => {
  const shiftGroups = r.profile?.shiftGroups ?? [];
  return {
    userId: r.id,
    name: r.name,
    trainee: r.profile?.trainee ?? false,
    onDuty: r.profile?.onDuty ?? true,
    memberships: r.readerGroups
      .filter((m) => shiftGroups.length === 0 || shiftGroups.includes(m.groupKey))
      .map((m) => ({ group: m.groupKey, modalities: m.modalities, bodyParts: m.bodyParts })),
    // "YYYY-MM-DD" reads as that day's UTC midnight, as Prisma returns a date column.
    credentials: r.credentials.map((c) => ({
      sourceId: c.sourceId,
      expiresOn: c.expiresOn === null ? null : new Date(c.expiresOn),
    })),
    capRvu: r.profile?.capRvu ?? null,
  };
};

/**
 * Users' access in one statement, groups and credentials aggregated as JSON: the snapshot reads
 * every reader every few seconds in every process that serves worklists, and Prisma's nested
 * read of 500 readers cost ~12 ms of the event loop (CPU) against ~1.6 ms for this one.
 */
async function readReaders(db: Db, where: Prisma.Sql): Promise<ReaderAccess[]> {
  const rows = await hotQuery<ReaderRow>(
    db,
    Prisma.sql`
      SELECT u.id, u.name,
             CASE WHEN p."userId" IS NULL THEN NULL
                  ELSE json_build_object('trainee', p.trainee, 'onDuty', p."onDuty", 'capRvu', p."capRvu", 'shiftGroups', p."shiftGroups") END AS profile,
             COALESCE((SELECT json_agg(json_build_object('groupKey', m."groupKey", 'modalities', m.modalities, 'bodyParts', m."bodyParts") ORDER BY m."groupKey")
                         FROM "ReaderGroupMembership" m WHERE m."userId" = u.id), '[]') AS "readerGroups",
             COALESCE((SELECT json_agg(json_build_object('sourceId', c."sourceId", 'expiresOn', c."expiresOn") ORDER BY c."sourceId")
                         FROM "ReaderCredential" c WHERE c."userId" = u.id), '[]') AS credentials
        FROM "User" u LEFT JOIN "ReaderProfile" p ON p."userId" = u.id
       WHERE ${where}
       ORDER BY u.name, u.id`,
  );
  return rows.map(toAccess);
}

/** One user's access (whatever their roles). */
export async function readerAccess(db: Db, userId: string): Promise<ReaderAccess | null> {
  const [reader] = await readReaders(db, Prisma.sql`u.id = ${userId}`);
  return reader ?? null;
}

/** Every enabled radiologist's access (for coverage and for "who may read this study"). */
export function allReaderAccess(db: Db): Promise<ReaderAccess[]> {
  return readReaders(db, Prisma.sql`NOT u.disabled AND 'radiologist'::"Role" = ANY(u.roles)`);
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
