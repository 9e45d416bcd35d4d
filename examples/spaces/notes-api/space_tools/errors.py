"""The one error type the CLI turns into a clear message and a non-zero exit."""


class SpaceError(Exception):
    """A problem the user can fix; the message names it and says what to do."""
