"""A Better Auth server on Prisma 7 as its docs set one up, copied with only the runtime and its path: the client
generated into src/generated (git-ignored, so never in the backend's copy), prisma.config.ts reading DATABASE_URL,
the PostgreSQL driver adapter, Better Auth's prismaAdapter, and migrations the team applies with
`prisma migrate deploy`. detect finds the schema, the build runs `prisma generate` on it, and the server signs up
and counts its users through the generated client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, npm_lock, running, sign_up, write_backend

pytestmark = pytest.mark.docker

SCHEMA = """\
generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "postgresql"
}

model User {
  id            String    @id
  name          String
  email         String    @unique
  emailVerified Boolean   @default(false)
  image         String?
  createdAt     DateTime  @default(now())
  updatedAt     DateTime  @updatedAt
  sessions      Session[]
  accounts      Account[]

  @@map("user")
}

model Session {
  id        String   @id
  expiresAt DateTime
  token     String   @unique
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
  ipAddress String?
  userAgent String?
  userId    String
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("session")
}

model Account {
  id                    String    @id
  accountId             String
  providerId            String
  userId                String
  user                  User      @relation(fields: [userId], references: [id], onDelete: Cascade)
  accessToken           String?
  refreshToken          String?
  idToken               String?
  accessTokenExpiresAt  DateTime?
  refreshTokenExpiresAt DateTime?
  scope                 String?
  password              String?
  createdAt             DateTime  @default(now())
  updatedAt             DateTime  @updatedAt

  @@map("account")
}

model Verification {
  id         String   @id
  identifier String
  value      String
  expiresAt  DateTime
  createdAt  DateTime @default(now())
  updatedAt  DateTime @updatedAt

  @@map("verification")
}
"""

# What `prisma migrate dev` wrote for SCHEMA (the team's database already has it: `prisma migrate deploy` ran).
MIGRATION = """\
CREATE TABLE "user" ("id" TEXT NOT NULL, "name" TEXT NOT NULL, "email" TEXT NOT NULL,
  "emailVerified" BOOLEAN NOT NULL DEFAULT false, "image" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "user_pkey" PRIMARY KEY ("id"));
CREATE TABLE "session" ("id" TEXT NOT NULL, "expiresAt" TIMESTAMP(3) NOT NULL, "token" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
  "ipAddress" TEXT, "userAgent" TEXT, "userId" TEXT NOT NULL, CONSTRAINT "session_pkey" PRIMARY KEY ("id"));
CREATE TABLE "account" ("id" TEXT NOT NULL, "accountId" TEXT NOT NULL, "providerId" TEXT NOT NULL,
  "userId" TEXT NOT NULL, "accessToken" TEXT, "refreshToken" TEXT, "idToken" TEXT,
  "accessTokenExpiresAt" TIMESTAMP(3), "refreshTokenExpiresAt" TIMESTAMP(3), "scope" TEXT, "password" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "account_pkey" PRIMARY KEY ("id"));
CREATE TABLE "verification" ("id" TEXT NOT NULL, "identifier" TEXT NOT NULL, "value" TEXT NOT NULL,
  "expiresAt" TIMESTAMP(3) NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "verification_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");
CREATE UNIQUE INDEX "session_token_key" ON "session"("token");
ALTER TABLE "session" ADD CONSTRAINT "session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id")
  ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "account" ADD CONSTRAINT "account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id")
  ON DELETE CASCADE ON UPDATE CASCADE;
"""

FILES = {
    "package.json": json.dumps({
        "name": "auth-api", "version": "1.0.0", "type": "module",
        "scripts": {"dev": "tsx watch src/index.ts", "build": "prisma generate && tsc", "start": "node dist/index.js",
                    "db:migrate": "prisma migrate deploy"},
        "dependencies": {"@prisma/adapter-pg": "^7.8.0", "@prisma/client": "^7.8.0", "better-auth": "1.7.25",
                         "dotenv": "^17.2.0", "express": "^5.1.0"},
        "devDependencies": {"@types/express": "^5.0.3", "prisma": "^7.8.0", "tsx": "^4.20.6",
                            "typescript": "^5.9.3"}}, indent=2),
    ".gitignore": "node_modules\ndist\n.env\nsrc/generated\n",
    "prisma.config.ts": """\
import "dotenv/config";
import { defineConfig, env } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: env("DATABASE_URL") },
});
""",
    "prisma/schema.prisma": SCHEMA,
    "prisma/migrations/20260101000000_init/migration.sql": MIGRATION,
    "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
    "src/lib/prisma.ts": """\
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";

const adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL });
export const prisma = new PrismaClient({ adapter });
""",
    "src/lib/auth.ts": """\
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { prisma } from "./prisma";

export const auth = betterAuth({
  database: prismaAdapter(prisma, { provider: "postgresql" }),
  emailAndPassword: { enabled: true },
});
""",
    "src/index.ts": """\
import "dotenv/config";
import express from "express";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./lib/auth";
import { prisma } from "./lib/prisma";

const app = express();
app.all("/api/auth/*splat", toNodeHandler(auth));
app.use(express.json());

app.get("/api/users/count", async (_req, res) => {
  res.json({ users: await prisma.user.count() });
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`listening on ${port}`));
""",
}


def _backend(folder: Path) -> Path:
    write_backend(folder, FILES)
    npm_lock(folder)
    return folder


def test_a_prisma_7_server_gets_its_client_generated_in_the_build_and_signs_up(render, cli, tmp_path,
                                                                                postgres_cluster):
    backend = _backend(tmp_path / "auth-api")
    space = make_space(render, "node", backend, "prisma-7")
    database = postgres_cluster.new_database()
    postgres_cluster.query(database, MIGRATION)

    with running(cli, space, {"DATABASE_URL": database}) as url:
        checked = space_tools(space.project, "check").stdout
        user = sign_up(url)
        status, body = docker.http_get(f"{url}/api/users/count")

    assert "prisma generate: the build writes the Prisma client from prisma/schema.prisma" in checked
    assert (space.settings["prisma_schema"], space.settings["database"]) == ("prisma/schema.prisma", "postgres")
    assert space.settings["migrate_on_start"] is False
    assert not (backend / "src" / "generated").exists()  # written in the image's build only
    assert user["user"]["email"] == "ada@example.com"
    assert (status, json.loads(body)) == (200, {"users": 1})
