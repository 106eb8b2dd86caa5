import { hotQuery, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
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

/**
 * Every enabled radiologist's access (for coverage and for "who may read this study"). One
 * statement, groups and credentials aggregated as JSON: the snapshot reads this every few
 * seconds in every process that serves worklists, and Prisma's nested read of 500 readers cost
 * ~12 ms of the event loop (CPU) against ~1.6 ms for this one.
 */
export async function allReaderAccess(db: Db): Promise<ReaderAccess[]> {
  const rows = await hotQuery<{
    id: string;
    name: string;
    profile: { trainee: boolean; onDuty: boolean; capRvu: number | null; shiftGroups: string[] } | null;
    readerGroups: ReaderRow["readerGroups"];
    credentials: { sourceId: string; expiresOn: string | null }[];
  }>(
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
       WHERE NOT u.disabled AND 'radiologist'::"Role" = ANY(u.roles)
       ORDER BY u.name, u.id`,
  );
  return rows.map((r) =>
    toAccess({
      id: r.id,
      name: r.name,
      readerProfile: r.profile,
      readerGroups: r.readerGroups,
      // JSON gives a date column as "YYYY-MM-DD", which JavaScript reads as that day's UTC
      // midnight: what Prisma returns for it.
      credentials: r.credentials.map((c) => ({
        sourceId: c.sourceId,
        expiresOn: c.expiresOn === null ? null : new Date(c.expiresOn),
      })),
    }),
  );
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
