import { describe, it } from "node:test";
import { specifyEmailPasswordAuth } from "./support/email-password-flow.ts";
import { findPostgresBinaries, startPostgresCluster } from "./support/postgres-cluster.ts";

const binDir = findPostgresBinaries();

if (binDir === undefined) {
  describe("auth server on PostgreSQL (DATABASE_URL)", () => {
    it("needs PostgreSQL server binaries: install Debian's postgresql or set PG_BIN to the folder holding initdb", {
      skip: "no initdb found under /usr/lib/postgresql/*/bin and PG_BIN is not set",
    });
  });
} else {
  // With DATABASE_URL set the server uses PostgreSQL through a pg Pool.
  specifyEmailPasswordAuth(`PostgreSQL (DATABASE_URL, ${binDir})`, async () => {
    const cluster = await startPostgresCluster(binDir);
    return { env: { DATABASE_URL: cluster.databaseURL }, remove: cluster.stop };
  });
}
