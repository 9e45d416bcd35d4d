// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Creates or migrates Better Auth's tables with its own programmatic migration (what `auth migrate` does);
// a second run finds nothing to do, so every start may run it.
import { getMigrations } from "space:better-auth-migrations"; // resolved by bundle.mjs for the installed version

const TIMEOUT_MS = 60_000; // a database that never answers (a blocked port) fails the start, not hangs it

/** Why Better Auth's own migration can't run on these options (it would exit the process), or null. */
export function unmigratable(options) {
  if (options.database === undefined) return "has no database (users would live in memory)";
  // prismaAdapter(), drizzleAdapter(), mongodbAdapter() and custom adapters are factories, not connections.
  if (typeof options.database === "function") return "uses a database adapter (Prisma, Drizzle, MongoDB, ...)";
  return null;
}

export async function migrateSchema(auth) {
  const work = (async () => {
    const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(auth.options);
    await runMigrations();
    return { created: toBeCreated.map((table) => table.table), altered: toBeAdded.map((table) => table.table) };
  })();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the database did not answer within ${TIMEOUT_MS / 1000} s`)),
      TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
