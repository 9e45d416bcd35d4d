// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// The environment checked before any of the backend's code runs: one clear line and exit 78 when wrong,
// then the defaults a Space needs (public URL, trusted origins) filled in where Better Auth reads them.
import { accessSync, constants, mkdirSync } from "node:fs";
import { dirname } from "node:path";

const MIN_SECRET_LENGTH = 32; // Better Auth's own minimum; shorter secrets only fail later, mid-request
const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

/** Print `space: <message>` on stderr and exit 78 (EX_CONFIG: the configuration is wrong, not the code). */
export function fail(message) {
  process.stderr.write(`space: ${message}\n`);
  process.exit(78);
}

export function checkEnvironment(settings, env = process.env) {
  // A Variable's default applies wherever it is not set, as deploy sets it on the Space.
  for (const [name, spec] of Object.entries(settings.VARIABLES)) {
    if (!spec.secret && spec.default !== "" && !(env[name] ?? "").trim()) env[name] = String(spec.default);
  }
  const missing = settings.REQUIRED_VARIABLES.filter((name) => !(env[name] ?? "").trim());
  if (missing.length > 0) {
    fail(
      `missing required environment variable(s): ${missing.join(", ")}. ` +
        "Set them as Space Secrets/Variables, or in .env for local runs (see .env.example).",
    );
  }
  // Never print the value: it may be a real secret that only looks like a placeholder.
  const placeholders = settings.REQUIRED_SECRETS.filter((name) => isPlaceholder(env[name], settings.PLACEHOLDER_SECRETS));
  if (placeholders.length > 0) {
    fail(
      `required secret(s) set to a placeholder, not a real value: ${placeholders.join(", ")}. ` +
        "Set the real value as a Space Secret, or in .env for local runs.",
    );
  }
  const secretLength = (env.BETTER_AUTH_SECRET ?? "").trim().length;
  if (secretLength < MIN_SECRET_LENGTH) {
    fail(
      `BETTER_AUTH_SECRET has ${secretLength} characters; Better Auth needs at least ${MIN_SECRET_LENGTH}. ` +
        "Set a longer Secret, e.g. the output of `openssl rand -base64 32`.",
    );
  }
  const port = (env.PORT ?? "").trim() || String(settings.DEFAULT_PORT);
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    fail(`PORT='${env.PORT}' is not a whole number between 1 and 65535.`);
  }
  env.PORT = port;
  if (settings.DATABASE === "postgres" && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    fail("DATABASE_URL must be a PostgreSQL URL like postgres://user:password@host:port/database.");
  }
  if (settings.DATABASE === "mysql" && !/^mysql:\/\//.test(env.DATABASE_URL)) {
    fail("DATABASE_URL must be a MySQL URL like mysql://user:password@host:port/database.");
  }
  if (settings.DATABASE === "sqlite" && env.DATABASE_PATH) checkWritableFolder(env.DATABASE_PATH);

  // On Spaces the public URL is https://$SPACE_HOST; `space_tools run` sets a loopback host served over http.
  if (!env.BETTER_AUTH_URL && env.SPACE_HOST) {
    const scheme = LOOPBACK_HOST.test(env.SPACE_HOST) ? "http" : "https";
    env.BETTER_AUTH_URL = `${scheme}://${env.SPACE_HOST}`;
  }
  // Better Auth reads BETTER_AUTH_TRUSTED_ORIGINS itself (split on commas, untrimmed), whatever the code passes.
  if (env.TRUSTED_ORIGINS && !env.BETTER_AUTH_TRUSTED_ORIGINS) {
    env.BETTER_AUTH_TRUSTED_ORIGINS = env.TRUSTED_ORIGINS.split(",")
      .map((origin) => origin.trim())
      .filter(Boolean)
      .join(",");
  }
}

function isPlaceholder(value, { values, patterns }) {
  const text = value.trim().toLowerCase();
  return values.includes(text) || patterns.some((pattern) => new RegExp(`^(?:${pattern})$`).test(text));
}

function checkWritableFolder(databasePath) {
  const folder = dirname(databasePath);
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
  } catch {
    fail(
      `DATABASE_PATH=${databasePath}: the folder ${folder} is not writable by uid ${process.getuid?.()}; ` +
        `use a folder it owns (the default ${process.env.HOME ?? "/home/node"}/data is), or chown the mounted volume ` +
        "to 1000.",
    );
  }
}
