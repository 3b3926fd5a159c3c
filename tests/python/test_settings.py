"""The settings registry (macros/settings/registry.sql) is the one home of every var: each is
declared once with a default that its own rules accept, SQL reads vars only through it, and
the generated reference page docs/vars.md matches it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from customer_activation import settings

PROJECT = Path(__file__).resolve().parents[2]
ENTRIES = settings.registry()
NAMES = [e["name"] for e in ENTRIES]
SQL_AND_YAML = sorted(p for d in ("models", "macros", "snapshots", "tests/dbt")
                      for p in (PROJECT / d).rglob("*") if p.suffix in (".sql", ".yml"))


def test_every_setting_is_declared_once_with_what_docs_need():
    assert len(NAMES) == len(set(NAMES)), [n for n in NAMES if NAMES.count(n) > 1]
    assert len(ENTRIES) > 50
    for e in ENTRIES:
        assert {"name", "group", "type", "default", "doc"} <= set(e), e["name"]
        assert e["type"] in settings.TYPES and e["group"] in settings.GROUPS, e["name"]
        assert e["doc"].strip(), e["name"]


@pytest.mark.parametrize("entry", ENTRIES, ids=NAMES)
def test_each_default_passes_its_own_rules(entry):
    assert settings.check_value(entry, entry["default"]) is None


def test_the_rules_reject_what_they_should():
    by_name = {e["name"]: e for e in ENTRIES}
    assert settings.check_value(by_name["imputation_k"], "thirty") == "must be a number"
    assert settings.check_value(by_name["imputation_k"], 2.5) == "must be a whole number"
    assert settings.check_value(by_name["campaign_confidence"], 1.5).startswith("must be between")
    assert settings.check_value(by_name["reject_zero_price"], "no") == "must be true or false"
    assert settings.check_value(by_name["as_of_date"], "09/12/2011").startswith("must be a date")
    assert settings.check_value(by_name["lookalike_method"], "svm").startswith("must be one of")
    assert settings.check_value(by_name["circle_link_types"], []) == "must be a non-empty list"
    assert settings.check_value(by_name["churn_risk_thresholds"], ["a"]) == "must be a list of numbers"


def _used_names() -> set[str]:
    pattern = re.compile(r"\b(?:setting|var)\(\s*['\"]([a-z_0-9]+)['\"]")
    return {m.group(1) for p in SQL_AND_YAML for m in pattern.finditer(p.read_text())}


def test_sql_and_yaml_read_only_registered_settings():
    unknown = sorted(_used_names() - set(NAMES))
    assert unknown == [], f"read but not in macros/settings/registry.sql: {unknown}"


def test_every_registered_setting_is_read_somewhere():
    text = "\n".join(p.read_text() for p in SQL_AND_YAML if p.name != "registry.sql")
    python = "\n".join(p.read_text() for p in (PROJECT / "python").rglob("*.py"))
    unused = [n for n in NAMES if n not in _used_names() and f"'{n}'" not in text and f'"{n}"' not in python]
    assert unused == [], f"declared but never read: {unused}"


def test_sql_reads_vars_only_through_the_registry():
    """var() outside the settings macros would bypass the defaults and the checks."""
    offenders = [str(p.relative_to(PROJECT)) for p in SQL_AND_YAML
                 if p.suffix == ".sql" and p.parent.name != "settings" and re.search(r"\bvar\(", p.read_text())]
    assert offenders == []


def test_the_var_reference_page_is_generated_from_the_registry():
    page = PROJECT / "docs" / "vars.md"
    assert page.read_text() == settings.vars_markdown(), "docs/vars.md is stale: run `make docs-vars`"
    assert all(f"`{n}`" in page.read_text() for n in NAMES)
