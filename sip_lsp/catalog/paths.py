"""Where the catalogue lives: YAML sources at the top of the repository, compiled JSON in the package."""

import os

# Plain strings: pathlib (with urllib and ipaddress) would cost `explain` ~3 ms at start.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_FILE = os.path.join(_PACKAGE, "data", "catalog.json")
# The schema apart: only a user catalogue is validated, so `check` and `explain` never parse it.
SCHEMA_FILE = os.path.join(_PACKAGE, "data", "schema.json")
SOURCE_DIR = os.path.join(os.path.dirname(_PACKAGE), "catalog")
LANGS = ("en", "ru")


def translation_file(lang: str) -> str:
    """The compiled prose of one translation (catalog/<lang>/), read only when that language is asked for."""
    return os.path.join(_PACKAGE, "data", f"catalog.{lang}.json")
