import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";
import { Pool } from "pg";

// PostgreSQL in production; a local SQLite file when no DATABASE_URL is given (development, tests).
const database = process.env.DATABASE_URL
  ? new Pool({ connectionString: process.env.DATABASE_URL })
  : new DatabaseSync(process.env.DATABASE_PATH ?? "./auth.db");

// BETTER_AUTH_SECRET and BETTER_AUTH_URL are read by Better Auth itself.
export const auth = betterAuth({
  database,
  emailAndPassword: { enabled: true },
  trustedOrigins: (process.env.TRUSTED_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean),
});

const handleAuth = toNodeHandler(auth);

const server = createServer((req, res) => {
  if (req.url?.startsWith("/api/auth/")) {
    handleAuth(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500).end();
    });
    return;
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: "not found" }));
});

const port = Number(process.env.PORT ?? 3000);
server.listen(port, () => {
  console.log(`auth server listening on port ${port}`);
});
