# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What looks like a credential, by a variable's name (API_KEY, not API_KEY_TTL) or by its value (a token format,
a URL with a password, a long random string under a name that says key): the one list detect guesses Secrets
from, and deploy and check judge public Variables by."""

from __future__ import annotations

import math
import re
from collections import Counter

# Names that hold credentials; shown as a guess the user confirms, and what deploy asks about for a Variable.
_SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|(^|_)(PASS|PWD)$|SALT|PRIVATE|API_?KEY|(^|_)KEY$|CREDENTIAL"
                          r"|(^|_)DSN$|DATABASE_URL|_URI$|(^|_)(DB|PG|POSTGRES(QL)?|MYSQL|MONGO(DB)?)_URL$")
# Names about a secret that hold none: the last word is a unit, count, limit or kind (TOKEN_TTL, PASSWORD_MIN_LENGTH,
# JWT_ALGORITHM, API_KEY_HEADER, PRIVATE_KEY_PATH), an expiry or lifetime is named (ACCESS_TOKEN_EXPIRE_MINUTES), or
# it starts MAX_/MIN_ (MAX_TOKENS).
_ABOUT_A_SECRET = re.compile(
    r"_(?:MS|SECS?|SECONDS|MINS?|MINUTES|HOURS?|DAYS|WEEKS|TTL|AGE|LENGTH|LEN|SIZE|COUNT|MAX|MIN|LIMIT|ALGORITHM|ALG|"
    r"TYPE|NAME|HEADER|PREFIX|PATH|FILE|DIR|DIRECTORY|FOLDER)$|(?:^|_)(?:EXPIRE[SD]?|EXPIRY|EXPIRATION|LIFETIME)(?:_|$)|^(?:MAX|MIN)_")
# A word of the name that ends like a secret's, underscores or not (OPENAIKEY, DBPASS, ADMINPWD): only a random
# value makes it one, since MONKEY or COMPASS end the same way.
_SECRET_WORD_END = re.compile(r"(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS|PWD|PASSPHRASE|CREDENTIALS?)S?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

_NOT_AFTER = r"(?<![A-Za-z0-9_-])"  # a token's prefix starts a word: risk-, task_ and mask- hold no sk-/sk_
_B64URL = r"[A-Za-z0-9_-]"
# Values that are credentials whatever the name, each with what it is (the refusal names it, never the value).
# Bodies are given a minimum length the real tokens exceed, so a word that merely starts like one (sk-learn) passes.
FORMATS: tuple[tuple[str, re.Pattern], ...] = tuple((what, re.compile(pattern)) for what, pattern in (
    ("a PEM private key", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY"),  # a certificate or a public key is public
    ("a JSON Web Token", _NOT_AFTER + rf"eyJ{_B64URL}{{10,}}\.{_B64URL}{{10,}}\.{_B64URL}*"),
    ("a Hugging Face token", r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{20,}"),
    ("a GitHub token", r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    ("a GitLab token", _NOT_AFTER + r"glpat-[A-Za-z0-9_-]{20,}"),
    ("an Anthropic API key", _NOT_AFTER + r"sk-ant-[A-Za-z0-9_-]{20,}"),
    ("an OpenAI-style secret key (sk-...)", _NOT_AFTER + r"sk-(?:[A-Za-z0-9]{16,}|(?:proj|svcacct|admin)-[A-Za-z0-9_-]{16,})"),
    ("a Stripe secret key", r"(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"),  # pk_ keys are public by design
    ("an AWS access key ID", r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
    # 40 base64 characters with both cases, a digit and a / or +: a hex digest (a git commit) has no upper case or /.
    ("an AWS secret access key", (r"(?<![A-Za-z0-9/+=])(?!/)(?=[A-Za-z0-9/+]*[/+])(?=[A-Za-z0-9/+]*[A-Z])"
                                  r"(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")),
    ("a Google API key", _NOT_AFTER + r"AIza[A-Za-z0-9_-]{35}"),
    ("a Google OAuth client secret", _NOT_AFTER + r"GOCSPX-[A-Za-z0-9_-]{20,}"),
    ("a Slack token", r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}"),
    ("a Slack webhook URL", r"hooks\.slack\.com/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+"),
    ("a Discord webhook URL", r"discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]+"),
    ("a Telegram bot token", r"(?<![0-9])[0-9]{8,10}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])"),
    ("an npm token", r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}"),
    ("a PyPI token", _NOT_AFTER + r"pypi-AgE[A-Za-z0-9_-]{50,}"),
    ("a SendGrid API key", _NOT_AFTER + rf"SG\.{_B64URL}{{16,}}\.{_B64URL}{{30,}}"),
    ("a Groq API key", r"(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{20,}"),
    ("a Replicate API token", r"(?<![A-Za-z0-9_])r8_[A-Za-z0-9]{20,}"),
    # scheme://[user]:password@host; the password stops at / ? # so host:port?email=a@b is no password.
    ("a URL with a password", r"(?i)[a-z][a-z0-9+.-]*://[^/\s:@?#]*:[^/\s@?#]+@"),
    # Bearer/Basic/Token then a credential: 8+ characters with a digit, a symbol or a capital inside, so prose
    # ("Basic authentication", "token counting") passes.
    ("an Authorization header value", (r"(?<![A-Za-z0-9_])(?i:bearer|basic|token)\s+(?=[A-Za-z0-9._~+/-]{8})"
                                       r"(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-]|[A-Za-z0-9._~+/=-]+[A-Z])")),
    # password=... inside a connection string or a query: a name that ends in a secret's word, = and a value.
    ("a password, secret, token or key setting inside the value",
     (r"(?i)(?:^|[?&;,\s])[a-z0-9_.-]*?(?:password|passwd|pwd|secret|token|sig|"
      r"(?:api|access|secret|private|account|sharedaccess|auth|client|master|signing|encryption)[_-]?key)\s*=\s*[^\s&;,]")),
))

RANDOM_SHORTEST = 16  # the shortest API keys providers issue; a shorter value under such a name is likelier a word
# Random hex of 16 characters scores above 2.5 bits a character 999 times in 1000; repeated text scores below.
RANDOM_BITS_PER_CHARACTER = 2.5


def secret_name(name: str) -> bool:
    """A name that says its value is a credential (ACCESS_TOKEN), not one about a credential (ACCESS_TOKEN_TTL)."""
    return bool(_SECRET_NAME.search(name.upper())) and not _ABOUT_A_SECRET.search(name.upper())


def number_or_switch(value: str) -> bool:
    """A value no credential is: a number, or true/false."""
    return bool(_NUMBER.match(value.strip())) or value.strip().lower() in ("true", "false")


def _random(value: str) -> bool:
    """One long word of letters and digits with little repetition: a URL, a path or prose never is."""
    text = value.strip()
    if len(text) < RANDOM_SHORTEST or re.search(r"\s|://", text) or text[0] in "/.~":
        return False
    if not (re.search(r"[A-Za-z]", text) and re.search(r"[0-9]", text)):  # words (ProductionDatabase) have no digit
        return False
    counts = Counter(text)
    bits = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    return bits >= RANDOM_BITS_PER_CHARACTER


def why_secret(name: str, value: str) -> str | None:
    """What makes NAME=VALUE look like a credential ("a URL with a password"), or None; never quotes the value."""
    for what, pattern in FORMATS:
        if pattern.search(value):
            return what
    if secret_name(name) and not number_or_switch(value):
        return "its name says it holds a credential"
    about = _ABOUT_A_SECRET.search(name.upper())
    if not about and any(_SECRET_WORD_END.search(word) for word in name.upper().split("_")) and _random(value):
        return "a long random value under a name that says key, secret, token or password"
    return None
