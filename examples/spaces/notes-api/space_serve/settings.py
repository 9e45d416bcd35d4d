# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Answers given to the template, rendered once; `copier update --data NAME=value` changes them."""

ASGI_APP = "app.main:app"
HEALTH_PATH = "/healthz"
DEFAULT_PORT = 7860
DEFAULT_WORKERS = 1
REQUIRED_VARIABLES = ["APP_SECRET_KEY"]
REQUIRED_SECRETS = ["APP_SECRET_KEY"]
# Values no real secret has, lowercase; a value is compared stripped and lowercased, patterns match it whole.
PLACEHOLDER_SECRETS = {
  "values": ["changeme", "change-me", "change_me", "change-this", "replaceme", "replace-me", "replace_me",
             "your-secret", "your_secret", "your-secret-here", "your_secret_here", "secret", "password",
             "placeholder", "todo", "tbd", "fixme", "..."],
  "patterns": ["x{3,}", "<[a-z0-9 _.-]*>"]
}
