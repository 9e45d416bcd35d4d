# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The one error type the CLI turns into a clear message and a non-zero exit."""


class SpaceError(Exception):
    """A problem the user can fix; the message names it and says what to do."""
