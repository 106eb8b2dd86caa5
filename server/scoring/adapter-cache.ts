import type { Db } from "../db/client";
import { DicomWebAdapter } from "../pacs/dicomweb-adapter";
import { sourceConfigFromRow } from "../pacs/source-config";

/** One PACS adapter per source, rebuilt when an admin edits the source. */
export class AdapterCache {
  private cache = new Map<string, { updatedAt: number; adapter: DicomWebAdapter }>();

  constructor(private readonly db: Db) {}

  async get(sourceId: string): Promise<DicomWebAdapter> {
    const row = await this.db.pacsSource.findUniqueOrThrow({ where: { id: sourceId } });
    const hit = this.cache.get(sourceId);
    if (hit && hit.updatedAt === row.updatedAt.getTime()) return hit.adapter;
    const adapter = new DicomWebAdapter(sourceConfigFromRow(row));
    this.cache.set(sourceId, { updatedAt: row.updatedAt.getTime(), adapter });
    return adapter;
  }
}
