"""What is running: name, version, runtime and data counts."""

import platform

from fastapi import APIRouter
from pydantic import BaseModel

from .. import __version__
from ..deps import DbDep, SettingsDep

router = APIRouter(tags=["meta"])


class Info(BaseModel):
    name: str
    version: str
    python: str
    notes: int


@router.get("/info")
def info(settings: SettingsDep, db: DbDep) -> Info:
    (count,) = db.execute("SELECT COUNT(*) FROM notes").fetchone()
    return Info(name=settings.app_name, version=__version__, python=platform.python_version(), notes=count)
