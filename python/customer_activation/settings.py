"""The project's settings, read from the one registry that dbt reads too.

Every var is declared once, in ``macros/settings/registry.sql`` (YAML inside a macro, so the
dbt macro ``setting(name)`` and this module read the same text). A build writes the values it
used to the table ``build_settings`` (one row per setting, the value as JSON); the dbt Python
models read their settings from that table with :func:`settings_from_table`, so SQL and Python
see the same values under the same names. ``docs/vars.md`` is generated from the registry:

    python -m customer_activation.settings --write docs/vars.md   # regenerate
    python -m customer_activation.settings --check docs/vars.md   # exit 1 when it differs
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
REGISTRY_PATH = PROJECT_DIR / "macros" / "settings" / "registry.sql"
TYPES = ("text", "date", "integer", "number", "boolean", "choice", "list", "mapping")
GROUPS = {
    "sources": "Where the data comes from",
    "parsing": "Parsing the raw files",
    "time": "Time, refresh and seeds",
    "features": "Orders, RFM and features",
    "interests": "Interests",
    "circles": "Circles",
    "labels": "Rule labels and label models",
    "similarity": "Similarity: imputation and look-alikes",
    "profile": "Profile history",
    "campaigns": "Campaigns",
}
_YAML_BLOCK = re.compile(r"\{%-? set registry_yaml -?%\}(.*?)\{%-? endset -?%\}", re.DOTALL)


def registry(path: Path = REGISTRY_PATH) -> list[dict[str, Any]]:
    """Every registry entry, in the registry's order."""
    match = _YAML_BLOCK.search(path.read_text())
    if not match:
        raise ValueError(f"{path}: no `set registry_yaml` block")
    return yaml.safe_load(match.group(1))


def check_value(entry: dict[str, Any], value: Any) -> str | None:
    """Why `value` is not allowed for the entry, or None (the rules of macro checked_setting)."""
    kind = entry["type"]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind in ("text", "date"):
        if not isinstance(value, str):
            return "must be text"
        if kind == "date" and value.strip() and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return "must be a date written YYYY-MM-DD"
    elif kind == "boolean" and not isinstance(value, bool):
        return "must be true or false"
    elif kind in ("integer", "number"):
        if not is_number:
            return "must be a number"
        if not entry["min"] <= value <= entry["max"]:
            return f"must be between {entry['min']} and {entry['max']}"
        if kind == "integer" and value != int(value):
            return "must be a whole number"
    elif kind == "choice" and value not in entry["choices"]:
        return f"must be one of {', '.join(entry['choices'])}"
    elif kind == "mapping" and not isinstance(value, dict):
        return "must be a mapping"
    elif kind == "list":
        if not isinstance(value, list):
            return "must be a list"
        if len(value) < entry.get("length", 0):
            return "must be a non-empty list"
        items = entry.get("items")
        if items == "number" and not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            return "must be a list of numbers"
        if items == "text" and not all(isinstance(v, str) for v in value):
            return "must be a list of text values"
    return None


def settings_from_table(frame: pd.DataFrame) -> dict[str, Any]:
    """{setting name: value} from the ``build_settings`` table of a build."""
    if frame.empty:
        raise ValueError("build_settings is empty: the build wrote no settings (run the whole build)")
    columns = {c.lower(): c for c in frame.columns}
    values = {}
    for name, kind, value in zip(frame[columns["setting_name"]], frame[columns["setting_type"]],
                                 frame[columns["setting_value"]], strict=True):
        values[str(name)] = typed_value({"type": kind}, json.loads(value))
    return values


def typed_value(entry: dict[str, Any], value: Any) -> Any:
    """A setting's value in its registry type: JSON and YAML do not keep 1 and 1.0 apart."""
    if value is None:
        return None
    if entry["type"] == "number":
        return float(value)
    if entry["type"] == "integer":
        return int(value)
    return value


def registry_defaults(path: Path = REGISTRY_PATH) -> dict[str, Any]:
    """{var name: default} of every setting, typed (the registry is the one home of defaults)."""
    return {e["name"]: typed_value(e, e["default"]) for e in registry(path)}


def _format_value(entry: dict[str, Any], value: Any) -> str:
    if entry["type"] in ("text", "date", "choice"):
        return f'`"{value}"`' if value == "" else f"`{value}`"
    text = json.dumps(value, ensure_ascii=False) if entry["type"] in ("list", "mapping", "boolean") else str(value)
    return f"`{text}`".replace("|", "\\|")


def _allowed(entry: dict[str, Any]) -> str:
    kind = entry["type"]
    if kind in ("integer", "number"):
        return f"{kind}, {entry['min']} to {entry['max']}"
    if kind == "choice":
        return "one of " + ", ".join(f"`{c}`" for c in entry["choices"])
    if kind == "list" and entry.get("items"):
        return f"list of {entry['items']}" + (", not empty" if entry.get("length") else "")
    return kind


def vars_markdown(entries: list[dict[str, Any]] | None = None) -> str:
    """The var reference page (docs/vars.md), generated from the registry."""
    entries = registry() if entries is None else entries
    lines = [
        "# Settings (vars)",
        "",
        "Generated from `macros/settings/registry.sql` by `python -m customer_activation.settings "
        "--write docs/vars.md` (`make docs-vars`); a test fails when this page and the registry differ. "
        "Set a var with `--vars '{name: value}'` or in the `vars:` of `dbt_project.yml`. Every var is "
        "checked at the start of a run: a wrong type or a value out of range stops the build with a "
        "message naming it. The values a build used are in the table `staging.build_settings`.",
    ]
    for group, title in GROUPS.items():
        rows = [e for e in entries if e["group"] == group]
        if not rows:
            continue
        lines += ["", f"## {title}", "", "| var | default | allowed | what it does |", "|---|---|---|---|"]
        for e in rows:
            doc = e["doc"].replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            lines.append(f"| `{e['name']}` | {_format_value(e, e['default'])} | {_allowed(e)} | {doc} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the var reference page here")
    group.add_argument("--check", type=Path, help="exit 1 when this page differs from the registry")
    args = parser.parse_args(argv)
    text = vars_markdown()
    if args.write:
        args.write.write_text(text)
        print(f"wrote {args.write} ({len(registry())} settings)")
        return 0
    if not args.check.exists() or args.check.read_text() != text:
        print(f"{args.check} differs from the settings registry: run `make docs-vars`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
