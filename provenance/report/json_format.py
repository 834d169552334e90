"""JSON reports, and the published schema they follow (``report.schema.json`` beside this file).

The JSON is the report model itself, so it is the complete record: every
member, link, passage (with character offsets in both texts) and hash. Other
formats print a readable subset of it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["render_json", "schema", "validate", "SCHEMA_FILE"]

SCHEMA_FILE = "report.schema.json"


def render_json(report: dict[str, Any]) -> str:
    """The report as indented UTF-8 JSON (keys in model order, no NaN)."""
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of a report."""
    text = resources.files("provenance.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def validate(report: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``report`` does not follow the schema (needs jsonschema)."""
    import jsonschema

    jsonschema.Draft202012Validator(schema()).validate(report)
