# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Docker HEALTHCHECK without curl: exit 0 when the health path answers 200 on the local port."""

import os
import sys
import urllib.request

from space_serve import settings


def main() -> None:
    url = f"http://127.0.0.1:{os.environ.get('PORT', settings.DEFAULT_PORT)}{settings.HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - fixed loopback URL
            sys.exit(0 if response.status == 200 else 1)
    except Exception as error:  # any failure means unhealthy; say why in `docker inspect`
        print(f"unhealthy: {url}: {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()
