// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// betterAuth() as the backend calls it, recording each instance it makes, so the start-up finds the backend's
// `auth` in whichever module defines it, exported or not (bundle.mjs hands the backend this betterAuth with
// everything else better-auth exports).
import { betterAuth as makeAuth } from "space:better-auth-package";

export const instances = [];

export function betterAuth(options) {
  const auth = makeAuth(options);
  instances.push(auth);
  return auth;
}
