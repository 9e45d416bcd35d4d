import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createAuthClient } from "better-auth/client";
import { startBackend, type RunningBackend } from "./backend-process.ts";
import { createBrowserLikeClient } from "./browser-client.ts";

export type MigratedDatabase = {
  /** The environment that points auth-server.ts at this database. */
  env: Record<string, string>;
  remove: () => Promise<void>;
};

const password = "correct horse battery staple";
const newEmail = () => `user-${randomUUID()}@example.test`;

/** The behaviour the team relies on, whatever database sits behind the server. */
export function specifyEmailPasswordAuth(databaseName: string, createDatabase: () => Promise<MigratedDatabase>): void {
  describe(`auth server on ${databaseName}`, () => {
    let database: MigratedDatabase | undefined;
    let backend: RunningBackend;

    before(async () => {
      database = await createDatabase();
      backend = await startBackend(database.env);
    });
    after(async () => {
      await backend?.stop();
      await database?.remove();
    });

    const signedUpUser = async (name: string): Promise<string> => {
      const email = newEmail();
      const { error } = await createBrowserLikeClient(backend.baseURL).client.signUp.email({ email, password, name });
      assert.equal(error, null);
      return email;
    };

    it("answers 200 on Better Auth's health route /api/auth/ok", async () => {
      const response = await fetch(`${backend.baseURL}/api/auth/ok`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { ok: true });
    });

    it("answers 404 outside /api/auth", async () => {
      const response = await fetch(`${backend.baseURL}/somewhere-else`);
      assert.equal(response.status, 404);
    });

    it("signs a new user up and starts their session", async () => {
      const { client } = createBrowserLikeClient(backend.baseURL);
      const email = newEmail();
      const signUp = await client.signUp.email({ email, password, name: "New User" });
      assert.equal(signUp.error, null);
      assert.equal(signUp.data?.user.email, email);

      const session = await client.getSession();
      assert.equal(session.data?.user.email, email);
    });

    it("refuses a second sign-up with the same email", async () => {
      const email = await signedUpUser("First");
      const { client } = createBrowserLikeClient(backend.baseURL);
      const again = await client.signUp.email({ email, password, name: "Second" });
      assert.equal(again.error?.status, 422);
    });

    it("signs an existing user in, and the session cookie identifies them", async () => {
      const email = await signedUpUser("Returning User");
      const { client, cookieHeader } = createBrowserLikeClient(backend.baseURL);

      const signIn = await client.signIn.email({ email, password });
      assert.equal(signIn.error, null);
      assert.match(cookieHeader(), /better-auth\.session_token=/);

      const session = await client.getSession();
      assert.equal(session.data?.user.email, email);
      assert.equal(session.data?.user.name, "Returning User");
    });

    it("refuses a wrong password with 401 and starts no session", async () => {
      const email = await signedUpUser("Careful User");
      const { client, cookieHeader } = createBrowserLikeClient(backend.baseURL);

      const signIn = await client.signIn.email({ email, password: "not the password" });
      assert.equal(signIn.error?.status, 401);
      assert.equal(signIn.error?.code, "INVALID_EMAIL_OR_PASSWORD");
      assert.equal(cookieHeader(), "");
      assert.equal((await client.getSession()).data, null);
    });

    it("signs out and revokes the session on the server, not just in the browser", async () => {
      const email = await signedUpUser("Leaving User");
      const { client, cookieHeader } = createBrowserLikeClient(backend.baseURL);
      await client.signIn.email({ email, password });
      const cookieBeforeSignOut = cookieHeader();

      const signOut = await client.signOut();
      assert.equal(signOut.error, null);
      assert.equal((await client.getSession()).data, null);

      const replayed = await createAuthClient({ baseURL: backend.baseURL }).getSession({
        fetchOptions: { headers: { cookie: cookieBeforeSignOut } },
      });
      assert.equal(replayed.data, null);
    });

    it("accepts sign-in from pages on TRUSTED_ORIGINS and refuses pages on other origins", async () => {
      const email = await signedUpUser("Cross-origin User");

      const trustedPage = createBrowserLikeClient(backend.baseURL, "https://app.example.test");
      assert.equal((await trustedPage.client.signIn.email({ email, password })).error, null);
      assert.equal((await trustedPage.client.signOut()).error, null);

      const otherPage = createBrowserLikeClient(backend.baseURL, "https://elsewhere.example.test");
      const refused = await otherPage.client.signIn.email({ email, password });
      assert.equal(refused.error?.status, 403);
      assert.equal(refused.error?.code, "INVALID_ORIGIN");
      assert.equal(otherPage.cookieHeader(), "");
    });

    it("accepts callback URLs on TRUSTED_ORIGINS and refuses others", async () => {
      const email = await signedUpUser("Redirected User");
      const { client } = createBrowserLikeClient(backend.baseURL);

      const trusted = await client.signIn.email({ email, password, callbackURL: "https://admin.example.test/home" });
      assert.equal(trusted.error, null);

      const untrusted = await client.signIn.email({ email, password, callbackURL: "https://elsewhere.example.test/home" });
      assert.equal(untrusted.error?.status, 403);
    });
  });
}
