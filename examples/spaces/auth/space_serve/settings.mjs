// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Answers given to the template, rendered once; `copier update --data NAME=value` changes them.
export const ENTRY_FILE = "auth-server.ts";
export const HEALTH_PATH = "/api/auth/ok";
export const DEFAULT_PORT = 7860;
export const DATABASE = "sqlite";
export const MIGRATE_ON_START = true;
export const IFRAME = false;
export const REQUIRED_VARIABLES = ["BETTER_AUTH_SECRET"];
export const REQUIRED_SECRETS = ["BETTER_AUTH_SECRET"];
// Values no real secret has, lowercase; a value is compared trimmed and lowercased, patterns match it whole.
export const PLACEHOLDER_SECRETS = {
  "values": ["changeme", "change-me", "change_me", "change-this", "replaceme", "replace-me", "replace_me",
             "your-secret", "your_secret", "your-secret-here", "your_secret_here", "secret", "password",
             "placeholder", "todo", "tbd", "fixme", "..."],
  "patterns": ["x{3,}", "<[a-z0-9 _.-]*>"]
};

// The backend's server, loaded only once the environment is checked; the bundler follows this import.
export const loadEntry = () => import("../backend/auth-server.ts");
