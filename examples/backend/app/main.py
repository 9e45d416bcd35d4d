"""The ASGI app: `uvicorn app.main:app`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from . import __version__
from .db import init_db
from .routers import meta, notes, text
from .settings import Settings

logger = logging.getLogger("app")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    path = app.state.settings.notes_db_path
    init_db(path)
    logger.info("notes database ready at %s", path)
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    # Reading the environment here means a missing APP_SECRET_KEY stops the server at startup, not mid-request.
    settings = settings or Settings()
    logging.basicConfig(format="%(levelname)s:     %(name)s - %(message)s")
    logger.setLevel(settings.log_level)

    app = FastAPI(title=settings.app_name, version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    for module in (notes, text, meta):
        app.include_router(module.router)
    return app


app = create_app()
