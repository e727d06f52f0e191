"""The catalogue: every code, cause, rule and heading a user reads.

The YAML sources live in `catalog/` at the top of the repository. They are
validated against `catalog/schema.json` and compiled into
`sip_lsp/data/catalog.json`, which is what the package loads: `check` and
`explain` start without importing PyYAML. `python -m sip_lsp.catalog build`
recompiles; a test fails when the compiled form is stale.

User catalogues (extra YAML files from settings) are validated against the same
schema at load time, by the `jsonschema` library (`catalog.validate`, imported only
then and by the build); their entries add to or replace built-in ones. Every error
names the file, the entry and the field.

The compiler (`build`) is imported only by `python -m sip_lsp.catalog build` and the
tests: it needs PyYAML, which `check` and `explain` never import.
"""

from sip_lsp.catalog.catalog import Catalog, fold_phrase
from sip_lsp.catalog.engines import Engine
from sip_lsp.catalog.entries import (
    CatalogError,
    CodeEntry,
    Contrast,
    DialStatus,
    EngineCause,
    Header,
    JSONObject,
    Q850Cause,
    RetryClass,
    RetryLines,
    RuleEntry,
    as_dict,
)
from sip_lsp.catalog.load import default_catalog, load_catalog, schema
from sip_lsp.catalog.paths import DATA_FILE, LANGS, SOURCE_DIR

__all__ = [
    "DATA_FILE",
    "LANGS",
    "SOURCE_DIR",
    "Catalog",
    "CatalogError",
    "CodeEntry",
    "Contrast",
    "DialStatus",
    "Engine",
    "EngineCause",
    "Header",
    "JSONObject",
    "Q850Cause",
    "RetryClass",
    "RetryLines",
    "RuleEntry",
    "as_dict",
    "default_catalog",
    "fold_phrase",
    "load_catalog",
    "schema",
]
