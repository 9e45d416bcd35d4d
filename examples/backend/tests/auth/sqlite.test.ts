import { specifyEmailPasswordAuth } from "./support/email-password-flow.ts";
import { createSqliteDatabase } from "./support/sqlite-database.ts";

// With no DATABASE_URL the server keeps its data in the SQLite file at DATABASE_PATH.
specifyEmailPasswordAuth("SQLite (node:sqlite, DATABASE_PATH)", async () => {
  const database = await createSqliteDatabase({ migrated: true });
  return { env: { DATABASE_PATH: database.path }, remove: database.remove };
});
