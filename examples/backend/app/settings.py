"""Configuration, read from environment variables only (a Space passes its Variables and Secrets that way)."""

import logging
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The default database lives next to the code, so the app needs write access to its own folder.
DEFAULT_DB_PATH = Path(__file__).resolve().parent / "notes.db"
MIN_SECRET_LENGTH = 16


class Settings(BaseSettings):
    # Validation errors end up in logs: never echo the rejected value (it may be the secret).
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    # Field names map to the upper-case variables: app_secret_key <- APP_SECRET_KEY.
    app_secret_key: SecretStr = Field(description="Key that signs note share tokens.")
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS.")
    notes_db_path: Path = DEFAULT_DB_PATH
    log_level: str = "INFO"
    app_name: str = "Notes API"

    @field_validator("app_secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        # A short HMAC key makes share tokens guessable.
        if len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"APP_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters long")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}; use DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()]
