import type { BetterAuthOptions } from "better-auth";
import { getMigrations } from "better-auth/db/migration";

/** Creates Better Auth's tables the way `auth migrate` does; safe to run on an up-to-date database. */
export async function migrateSchema(database: BetterAuthOptions["database"]): Promise<void> {
  const { runMigrations } = await getMigrations({ database, emailAndPassword: { enabled: true } });
  await runMigrations();
}
