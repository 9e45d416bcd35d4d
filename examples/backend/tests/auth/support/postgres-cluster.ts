import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { Pool } from "pg";
import { freeLoopbackPort } from "./backend-process.ts";
import { migrateSchema } from "./schema.ts";

const run = promisify(execFile);

export type PostgresCluster = {
  databaseURL: string;
  stop: () => Promise<void>;
};

/** The folder holding initdb and pg_ctl: PG_BIN if set, else the newest Debian install under /usr/lib/postgresql. */
export function findPostgresBinaries(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const newest = readdirSync(root)
    .filter((version) => existsSync(join(root, version, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : join(root, newest, "bin");
}

/**
 * Starts a disposable PostgreSQL cluster on a free 127.0.0.1 port, with Better Auth's schema.
 * initdb refuses to run as root, so as root the cluster runs as PG_USER (default "postgres").
 */
export async function startPostgresCluster(binDir: string): Promise<PostgresCluster> {
  const asClusterUser = process.getuid?.() === 0 ? ["runuser", "-u", process.env.PG_USER ?? "postgres", "--"] : [];
  const exec = async (command: string, args: string[]): Promise<string> => {
    const [file, ...rest] = [...asClusterUser, command, ...args];
    const { stdout } = await run(file!, rest, { cwd: "/", timeout: 60_000 });
    return stdout.trim();
  };

  const dir = await exec("mktemp", ["-d", "/tmp/auth-server-postgres-XXXXXX"]);
  const dataDir = join(dir, "data");
  const port = await freeLoopbackPort();
  try {
    await exec(join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
    await exec(join(binDir, "pg_ctl"), [
      "-D", dataDir, "-l", join(dir, "server.log"), "-w", "start",
      "-o", `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`,
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start a throwaway PostgreSQL cluster with ${binDir}: ${String(error)}`);
  }

  const databaseURL = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const stop = async (): Promise<void> => {
    await exec(join(binDir, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    await rm(dir, { recursive: true, force: true });
  };
  const pool = new Pool({ connectionString: databaseURL });
  try {
    await migrateSchema(pool);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    await pool.end();
  }
  return { databaseURL, stop };
}
