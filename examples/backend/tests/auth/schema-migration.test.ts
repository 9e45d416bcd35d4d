import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { describe, it } from "node:test";
import { getMigrations } from "better-auth/db/migration";
import { startBackend } from "./support/backend-process.ts";
import { migrateSchema } from "./support/schema.ts";
import { createSqliteDatabase } from "./support/sqlite-database.ts";

// The server never creates its tables; whoever deploys it runs the migration first.
describe("database schema", () => {
  it("is created by Better Auth's programmatic migration, and a second run changes nothing", async () => {
    const { path, remove } = await createSqliteDatabase({ migrated: false });
    const database = new DatabaseSync(path);
    try {
      await migrateSchema(database);
      await migrateSchema(database);
      const plan = await getMigrations({ database, emailAndPassword: { enabled: true } });
      assert.deepEqual([plan.toBeCreated, plan.toBeAdded, plan.toBeAddedIndexes], [[], [], []]);
      const tables = database.prepare("select name from sqlite_master where type = 'table' order by name").all();
      assert.deepEqual(tables.map((row) => row.name), ["account", "session", "user", "verification"]);
    } finally {
      database.close();
      await remove();
    }
  });

  it("must exist before the server starts: a server that found it missing answers 500 until restarted", async () => {
    const { path, remove } = await createSqliteDatabase({ migrated: false });
    let backend = await startBackend({ DATABASE_PATH: path });
    try {
      assert.equal((await fetch(`${backend.baseURL}/api/auth/ok`)).status, 500);

      const database = new DatabaseSync(path);
      await migrateSchema(database);
      database.close();
      assert.equal((await fetch(`${backend.baseURL}/api/auth/ok`)).status, 500, "Better Auth caches the failed schema check");

      await backend.stop();
      backend = await startBackend({ DATABASE_PATH: path });
      assert.equal((await fetch(`${backend.baseURL}/api/auth/ok`)).status, 200);
    } finally {
      await backend.stop();
      await remove();
    }
  });
});
