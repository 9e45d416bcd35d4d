// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Builds the image's one ESM bundle of the start-up wrapper and the backend's server (TypeScript stripped,
// dependencies inlined), split so the environment check runs before the server's code loads.
// Run in the image's build stage: node bundle.mjs <esbuild folder> <backend folder> <output folder>.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [esbuildFolder, backend, outdir] = process.argv.slice(2).map((path) => resolve(path));
const esbuild = createRequire(join(esbuildFolder, "package.json"))("esbuild");
const here = dirname(fileURLToPath(import.meta.url));
const space = JSON.parse(readFileSync(join(here, "..", "space.json"), "utf8"));

// The entry file named in space.json, under the import name settings.mjs loads it by.
const backendEntry = {
  name: "space-backend-entry",
  setup(build) {
    build.onResolve({ filter: /^space:backend-entry$/ }, () => ({ path: join(backend, space.entry_file) }));
  },
};

await esbuild.build({
  entryPoints: [join(here, "start.mjs"), join(here, "healthcheck.mjs")],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: `node${process.versions.node.split(".")[0]}`, // the Node.js of this stage is the one that runs it
  outdir,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  nodePaths: [join(backend, "node_modules")], // the wrapper imports better-auth from the backend's install
  external: ["pg-native"], // pg's optional native driver, never loaded
  legalComments: "none",
  logLevel: "warning",
  plugins: [backendEntry],
  loader: { ".txt": "text" }, // placeholder-secrets.txt
  // require() works inside the bundle through createRequire.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
});
