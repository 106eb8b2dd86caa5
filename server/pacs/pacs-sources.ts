import type { Db, Prisma } from "../db/client";
import { DicomWebAdapter } from "./dicomweb-adapter";
import { PacsError } from "./errors";
import { pacsCapabilitiesSchema, sourceConfigFromRow, type PacsCapabilities } from "./source-config";
import { recordAudit } from "../core/audit";
import { ConflictError, NotFoundError } from "../core/errors";
import { pendingSweeps } from "../core/queues";
import { sealSecret } from "../core/secret-box";
import { writeBackStatus } from "../results/write-back";

export type SourceInput = {
  name: string;
  baseUrl: string;
  qidoRoot?: string | null;
  wadoRoot?: string | null;
  stowRoot?: string | null;
  authType: "none" | "basic" | "bearer";
  username?: string | null;
  /** Password or token, in plain text (sealed before it is stored); undefined on edit keeps the stored one. */
  secret?: string | null;
  timeoutMs: number;
  capabilities: Partial<PacsCapabilities>;
  locationTag: string;
  backfillDays: number;
  syncIntervalSeconds: number;
  enabled: boolean;
  /** Send each AI result back to this PACS as a DICOM SR (STOW-RS). */
  writeResultsBack?: boolean;
};

const publicSelect = {
  id: true,
  name: true,
  baseUrl: true,
  qidoRoot: true,
  wadoRoot: true,
  stowRoot: true,
  authType: true,
  username: true,
  timeoutMs: true,
  capabilities: true,
  enabled: true,
  writeResultsBack: true,
  managedByEnv: true,
  locationTag: true,
  backfillDays: true,
  syncIntervalSeconds: true,
  syncRequestedAt: true,
  syncStartedAt: true,
  syncProgress: true,
  lastSuccessAt: true,
  lastErrorAt: true,
  lastError: true,
  consecutiveFailures: true,
  unavailableReason: true,
  createdAt: true,
} as const;

/** Sources with their status; never the stored password or token. */
export async function listSources(db: Db) {
  const [sources, counts, newest, sweeps, writeBacks] = await Promise.all([
    db.pacsSource.findMany({ select: publicSelect, orderBy: { name: "asc" } }),
    db.study.groupBy({ by: ["sourceId"], _count: { _all: true } }),
    db.study.groupBy({ by: ["sourceId"], _max: { firstSeenAt: true } }),
    pendingSweeps(db),
    writeBackStatus(db),
  ]);
  return sources.map((s) => ({
    ...s,
    sweepRunning: sweeps.get(s.id)?.some((j) => j.state === "running") ?? false,
    // When pg-boss will retry a failed sweep (its backoff), if it will.
    retryAt: sweeps.get(s.id)?.find((j) => j.state === "retrying")?.startAfter ?? null,
    capabilities: pacsCapabilitiesSchema.parse(s.capabilities ?? {}),
    studyCount: counts.find((c) => c.sourceId === s.id)?._count._all ?? 0,
    newestStudySeenAt: newest.find((n) => n.sourceId === s.id)?._max.firstSeenAt ?? null,
    writeBack: writeBacks.get(s.id) ?? { sent: 0, waiting: 0, lastError: null },
  }));
}

function sealedOrNull(secret: string | null | undefined): string | null {
  return secret ? sealSecret(secret) : null;
}

function rowData(input: SourceInput) {
  return {
    name: input.name.trim(),
    baseUrl: input.baseUrl.trim().replace(/\/+$/, ""),
    qidoRoot: input.qidoRoot || null,
    wadoRoot: input.wadoRoot || null,
    stowRoot: input.stowRoot || null,
    authType: input.authType,
    username: input.authType === "basic" ? (input.username ?? null) : null,
    timeoutMs: input.timeoutMs,
    capabilities: pacsCapabilitiesSchema.parse(input.capabilities) as Prisma.InputJsonObject,
    locationTag: input.locationTag.toUpperCase(),
    backfillDays: input.backfillDays,
    syncIntervalSeconds: input.syncIntervalSeconds,
    enabled: input.enabled,
    writeResultsBack: input.writeResultsBack ?? false,
  };
}

export async function createSource(db: Db, actorId: string | null, input: SourceInput) {
  if (await db.pacsSource.findUnique({ where: { name: input.name.trim() } }))
    throw new ConflictError(`A source named "${input.name.trim()}" already exists.`);
  return db.$transaction(async (tx) => {
    const source = await tx.pacsSource.create({
      data: { ...rowData(input), secret: input.authType === "none" ? null : sealedOrNull(input.secret) },
      select: publicSelect,
    });
    await recordAudit(tx, {
      actorId,
      action: "source.create",
      details: { sourceId: source.id, name: source.name, baseUrl: source.baseUrl },
    });
    return source;
  });
}

export async function updateSource(db: Db, actorId: string, id: string, input: SourceInput) {
  const before = await db.pacsSource.findUnique({ where: { id } });
  if (!before) throw new NotFoundError("PACS source", id);
  const clash = await db.pacsSource.findUnique({ where: { name: input.name.trim() } });
  if (clash && clash.id !== id) throw new ConflictError(`A source named "${input.name.trim()}" already exists.`);
  return db.$transaction(async (tx) => {
    const secret =
      input.authType === "none" ? null : input.secret === undefined ? before.secret : sealedOrNull(input.secret);
    const source = await tx.pacsSource.update({
      where: { id },
      data: { ...rowData(input), secret },
      select: publicSelect,
    });
    await recordAudit(tx, {
      actorId,
      action: "source.update",
      details: {
        sourceId: id,
        name: source.name,
        baseUrl: source.baseUrl,
        enabled: source.enabled,
        writeResultsBack: source.writeResultsBack,
      },
    });
    return source;
  });
}

export async function setSourceEnabled(db: Db, actorId: string, id: string, enabled: boolean) {
  if (!(await db.pacsSource.findUnique({ where: { id }, select: { id: true } })))
    throw new NotFoundError("PACS source", id);
  return db.$transaction(async (tx) => {
    const source = await tx.pacsSource.update({ where: { id }, data: { enabled }, select: publicSelect });
    await recordAudit(tx, {
      actorId,
      action: enabled ? "source.enable" : "source.disable",
      details: { sourceId: id, name: source.name },
    });
    return source;
  });
}

/** Asks the workers for a sweep now (queued within a second, even while a failed one waits to retry). */
export async function requestSync(db: Db, actorId: string, id: string) {
  if (!(await db.pacsSource.findUnique({ where: { id }, select: { id: true } })))
    throw new NotFoundError("PACS source", id);
  return db.$transaction(async (tx) => {
    const source = await tx.pacsSource.update({
      where: { id },
      data: { syncRequestedAt: new Date() },
      select: publicSelect,
    });
    await recordAudit(tx, { actorId, action: "source.sync-now", details: { sourceId: id, name: source.name } });
    return source;
  });
}

export type ConnectionTest = { ok: true; latencyMs: number } | { ok: false; kind: string; message: string };

/** One QIDO request with the given settings (or a stored source's), reporting what went wrong in words. */
export async function testConnection(db: Db, input: { id?: string; settings?: SourceInput }): Promise<ConnectionTest> {
  let row;
  if (input.id) {
    row = await db.pacsSource.findUnique({ where: { id: input.id } });
    if (!row) throw new NotFoundError("PACS source", input.id);
  }
  const settings = input.settings;
  const config = settings
    ? sourceConfigFromRow({
        id: input.id ?? "unsaved",
        ...rowData(settings),
        secret: settings.secret === undefined ? (row?.secret ?? null) : sealedOrNull(settings.secret),
      })
    : sourceConfigFromRow(row!);
  try {
    return await new DicomWebAdapter(config).ping();
  } catch (error) {
    if (error instanceof PacsError) return { ok: false, kind: error.kind, message: error.message };
    throw error;
  }
}

/**
 * The source named by DICOMWEB_URL (or the demo PACS): created or brought in line with the
 * environment at start. `unavailableReason` marks a source that cannot run on this machine
 * (shown on the admin page, skipped by workers); a start that brings it up clears it.
 */
export async function ensureEnvSource(
  db: Db,
  input: SourceInput & { unavailableReason?: string | null },
): Promise<string> {
  const existing = await db.pacsSource.findFirst({
    where: { OR: [{ managedByEnv: true, name: input.name }, { name: input.name }] },
  });
  const data = {
    ...rowData(input),
    secret: sealedOrNull(input.secret),
    managedByEnv: true,
    unavailableReason: input.unavailableReason ?? null,
  };
  if (existing) {
    // What the admin page decides stays as they left it.
    await db.pacsSource.update({
      where: { id: existing.id },
      data: { ...data, enabled: existing.enabled, writeResultsBack: existing.writeResultsBack },
    });
    return existing.id;
  }
  const created = await createSource(db, null, input);
  await db.pacsSource.update({
    where: { id: created.id },
    data: { managedByEnv: true, unavailableReason: data.unavailableReason },
  });
  return created.id;
}
