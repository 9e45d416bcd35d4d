# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The Docker HEALTHCHECK, run as a file so nothing the app writes in its folder is imported by it."""

from space_serve.healthcheck import main

if __name__ == "__main__":
    main()
