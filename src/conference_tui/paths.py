"""Where conference-tui keeps its files.

Every path is computed on demand so that nothing touches disk at import time,
and tests can point the whole app elsewhere with environment variables.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_config_path, user_data_path

from conference_tui import APP_NAME

DB_ENV = "CONFERENCE_TUI_DB"
CONFIG_DIR_ENV = "CONFERENCE_TUI_CONFIG_DIR"
DATA_DIR_ENV = "CONFERENCE_TUI_DATA_DIR"
DB_FILENAME = "conferences.db"


def data_dir() -> Path:
    """The folder holding the database and its rolling backups."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else user_data_path(APP_NAME)


def config_dir() -> Path:
    """The folder holding config.toml and the teacher's own forms."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else user_config_path(APP_NAME)


def config_file() -> Path:
    return config_dir() / "config.toml"


def user_forms_dir() -> Path:
    return config_dir() / "forms"


def backups_dir() -> Path:
    return data_dir() / "backups"


def log_file() -> Path:
    return data_dir() / "conference-tui.log"


def default_database() -> str:
    """The database path or URL: CONFERENCE_TUI_DB, else the file in the data folder."""
    return os.environ.get(DB_ENV) or str(data_dir() / DB_FILENAME)


def package_data_dir() -> Path:
    """The shipped `data/` folder: inside the wheel, or at the repo root when editable."""
    installed = resources.files("conference_tui") / "data"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / "data"


def builtin_forms_dir() -> Path:
    return package_data_dir() / "forms"


def demo_dir() -> Path:
    return package_data_dir() / "demo"
