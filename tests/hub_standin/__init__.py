"""A local stand-in for the Hugging Face Hub's HTTP API, for deploy tests (see server.py)."""

from .runtimes import RealRuntime, Script, ScriptedRuntime
from .server import HubStandin

__all__ = ["HubStandin", "RealRuntime", "Script", "ScriptedRuntime"]
