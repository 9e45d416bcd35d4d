// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// The Space's settings as the image reads them: space.json, bundled into the image by bundle.mjs.
import space from "../space.json" with { type: "json" };
import placeholderList from "./placeholder-secrets.txt"; // bundled as text (bundle.mjs)

export const SPACE = space;
export const ENTRY_FILE = space.entry_file;
export const HEALTH_PATH = space.health_path;
export const DEFAULT_PORT = space.app_port;
export const DATABASE = space.database;
export const MIGRATE_ON_START = space.migrate_on_start;
export const IFRAME = space.iframe;
export const PRESTART = space.prestart ?? "";
export const VARIABLES = space.variables;
const declared = Object.entries(space.variables);
export const REQUIRED_VARIABLES = declared.filter(([, spec]) => spec.required).map(([name]) => name);
export const REQUIRED_SECRETS = declared.filter(([, spec]) => spec.required && spec.secret).map(([name]) => name);
const placeholders = placeholderList.split("\n").map((line) => line.trim()).filter((l) => l && !l.startsWith("#"));
export const PLACEHOLDER_SECRETS = {
  values: placeholders.filter((line) => !line.startsWith("re:")),
  patterns: placeholders.filter((line) => line.startsWith("re:")).map((line) => line.slice(3)),
};

// The backend's server, loaded only once the environment is checked; bundle.mjs resolves this name to the
// entry file space.json names.
export const loadEntry = () => import("space:backend-entry");
