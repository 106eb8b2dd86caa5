import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db/client";
import { withThresholds } from "@/lib/models/manifest";
import { loadModel, type LoadedModel } from "./model-session";
import { log } from "../log";

/** A model version admins have enabled, live or in shadow, with the site's thresholds applied. */
export type ActiveModel = LoadedModel & { shadow: boolean };

export type RefusedModel = { dir: string; modelId: string; version: string; sha256: string; reason: string };

const key = (modelId: string, version: string) => `${modelId}@${version}`;

/**
 * The models one worker process holds: every models/<id>/ loaded and checked at start
 * (a refused one is reported and does not stop the others), one warm ONNX session each.
 * Which of them run is the admins' choice, stored in AiModel (enabled, thresholds).
 */
export class ModelRegistry {
  private active = new Map<string, ActiveModel>();

  private constructor(
    readonly loaded: LoadedModel[],
    readonly refused: RefusedModel[],
  ) {}

  static async load(
    modelsDir: string,
    options: { threads: number; executionProvider: string },
  ): Promise<ModelRegistry> {
    const entries = await readdir(modelsDir, { withFileTypes: true }).catch((error: Error) => {
      log.warn({ modelsDir, err: error.message }, "no models folder: nothing will be scored");
      return [];
    });
    const loaded: LoadedModel[] = [];
    const refused: RefusedModel[] = [];
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = path.join(modelsDir, entry.name);
      const hasManifest = await readFile(path.join(dir, "manifest.json"), "utf8").then(
        (text) => text,
        () => null,
      );
      if (hasManifest === null) continue; // training scripts and the like
      try {
        loaded.push(
          await loadModel(dir, { threads: options.threads, executionProviders: [options.executionProvider] }),
        );
      } catch (error) {
        refused.push({ dir, ...(await identify(dir, hasManifest)), reason: (error as Error).message });
        log.error({ dir, err: (error as Error).message }, "model refused");
      }
    }
    for (const m of loaded) log.info({ model: m.manifest.id, version: m.manifest.version }, "model loaded");
    return new ModelRegistry(loaded, refused);
  }

  /**
   * Records what this worker found; refusals are shown to admins with the reason. A new
   * version appears enabled: in shadow when its model already has a version (it must earn
   * its place), else in `newModelMode`.
   */
  async record(db: Db, newModelMode: "live" | "shadow" = "live"): Promise<void> {
    const now = new Date();
    for (const m of this.loaded) {
      const data = {
        manifest: m.manifest as object,
        sha256: m.manifest.file.sha256,
        loadError: null,
        lastLoadedAt: now,
      };
      const where = { modelId_version: { modelId: m.manifest.id, version: m.manifest.version } };
      if (await db.aiModel.findUnique({ where, select: { id: true } })) {
        await db.aiModel.update({ where, data });
        continue;
      }
      const known = await db.aiModel.count({ where: { modelId: m.manifest.id, loadError: null } });
      const mode = known > 0 || newModelMode === "shadow" ? "SHADOW" : "LIVE";
      await db.aiModel.upsert({
        where,
        create: { modelId: m.manifest.id, version: m.manifest.version, mode, ...data },
        update: data,
      });
    }
    for (const r of this.refused) {
      await db.aiModel.upsert({
        where: { modelId_version: { modelId: r.modelId, version: r.version } },
        create: { modelId: r.modelId, version: r.version, manifest: {}, sha256: r.sha256, loadError: r.reason },
        update: { sha256: r.sha256, loadError: r.reason },
      });
    }
  }

  /** The loaded models admins have enabled (live and shadow), with the site's thresholds applied. Re-read on every call. */
  async refreshActive(db: Db): Promise<ActiveModel[]> {
    const rows = await db.aiModel.findMany({ where: { enabled: true, loadError: null } });
    const next = new Map<string, ActiveModel>();
    for (const row of rows) {
      const model = this.loaded.find((m) => m.manifest.id === row.modelId && m.manifest.version === row.version);
      if (!model) continue;
      next.set(key(row.modelId, row.version), {
        ...model,
        manifest: withThresholds(model.manifest, { critical: row.criticalThreshold, urgent: row.urgentThreshold }),
        shadow: row.mode === "SHADOW",
      });
    }
    this.active = next;
    return [...next.values()];
  }

  /** An enabled model by id and version, as of the last refresh. */
  get(modelId: string, version: string): ActiveModel | undefined {
    return this.active.get(key(modelId, version));
  }

  async release(): Promise<void> {
    await Promise.all(this.loaded.map((m) => m.inference.release()));
  }
}

async function identify(dir: string, manifestText: string): Promise<Omit<RefusedModel, "dir" | "reason">> {
  let json: { id?: unknown; version?: unknown; file?: { path?: unknown } } = {};
  try {
    json = JSON.parse(manifestText) as typeof json;
  } catch {
    // invalid JSON: named by its folder
  }
  const file = path.join(dir, typeof json.file?.path === "string" ? json.file.path : "model.onnx");
  const bytes = await readFile(file).catch(() => null);
  return {
    modelId: typeof json.id === "string" ? json.id : path.basename(dir),
    version: typeof json.version === "string" ? json.version : "unknown",
    sha256: bytes ? createHash("sha256").update(bytes).digest("hex") : "",
  };
}
