import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { migrateSchema } from "./schema.ts";

export type SqliteDatabase = {
  path: string;
  remove: () => Promise<void>;
};

/** A fresh SQLite file in its own temporary folder, optionally with Better Auth's schema. */
export async function createSqliteDatabase({ migrated }: { migrated: boolean }): Promise<SqliteDatabase> {
  const dir = await mkdtemp(join(tmpdir(), "auth-server-sqlite-"));
  const path = join(dir, "auth.db");
  if (migrated) {
    const database = new DatabaseSync(path);
    try {
      await migrateSchema(database);
    } finally {
      database.close();
    }
  }
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
