# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The image's start, run as a file rather than `python -m space_serve`: sys.path then begins with this
root-owned folder, whose names can't be imported, never with the app's folder, which the app can write."""

from space_serve.__main__ import main

if __name__ == "__main__":  # uvicorn's workers re-run this file as __mp_main__
    main()
