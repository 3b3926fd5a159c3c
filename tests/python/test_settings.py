"""The settings registry (macros/settings/registry.sql) is the one home of every var: each is
declared once with a default that its own rules accept, SQL reads vars only through it, and
the generated reference page docs/vars.md matches it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
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
    python = "\n".join(p.read_text() for d in ("python", "models") for p in (PROJECT / d).rglob("*.py"))
    unused = [n for n in NAMES if n not in _used_names() and f"'{n}'" not in text and f'"{n}"' not in python]
    assert unused == [], f"declared but never read: {unused}"


def _python_model_configs() -> dict[str, list[str]]:
    """{Python model: the vars its YAML `settings` config passes}."""
    configs = {}
    for path in (PROJECT / "models").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            text = (model.get("config") or {}).get("settings")
            if text:
                configs[model["name"]] = re.findall(r"'(\w+)': var\('(\w+)', none\)", text)
    return {name: [k for k, v in pairs if k == v] for name, pairs in configs.items()}


def test_python_models_read_only_registered_settings_their_config_passes():
    """A dbt Python model reads its settings by the var's name (model_io.model_settings), each
    one passed by its YAML config as var(name, none) and declared in the registry."""
    configs = _python_model_configs()
    read_any = False
    for path in sorted((PROJECT / "models").rglob("*.py")):
        text = path.read_text()
        assert text.count("dbt.config.get(") == text.count('model_settings(dbt.config.get("settings"))'), \
            f"{path.name}: read settings with model_settings(dbt.config.get(\"settings\"))"
        read = set(re.findall(r'\b(?:settings|build)\["(\w+)"\]', text))
        read_any |= bool(read)
        assert read <= set(configs.get(path.stem, [])), f"{path.name} reads vars its config does not pass"
        assert set(configs.get(path.stem, [])) <= set(NAMES), path.name
    assert read_any, "no Python model reads a setting"

def test_sql_reads_vars_only_through_the_registry():
    """var() outside the settings macros would bypass the defaults and the checks."""
    offenders = [str(p.relative_to(PROJECT)) for p in SQL_AND_YAML
                 if p.suffix == ".sql" and p.parent.name != "settings" and re.search(r"\bvar\(", p.read_text())]
    assert offenders == []


# YAML is rendered when dbt parses the project, before macros exist, so only a source's location
# (where the raw tables are) reads var() there, with the registry's default.
YAML_VAR_ALLOWED = {"models/staging/_sources.yml": {"raw_database", "raw_schema"}}


def test_yaml_reads_no_var_but_a_source_location():
    """A var() in YAML carries no default of its own: a data test reads a setting through
    accepted_setting_values, a Python model gets var(name, none) in its `settings` config and the
    registry's default in Python; only a source's location (where the raw tables are) needs a
    value at parse time, the registry's default ''."""
    found = {}
    for p in SQL_AND_YAML:
        if p.suffix in (".yml", ".yaml"):
            allowed = YAML_VAR_ALLOWED.get(str(p.relative_to(PROJECT)), set())
            calls = re.findall(r"\bvar\('(\w+)'(?:,\s*([^)]*))?\)", p.read_text())
            bad = sorted({n for n, default in calls if n not in allowed and default.strip() != "none"})
            if bad:
                found[str(p.relative_to(PROJECT))] = bad
    assert found == {}
    by_name = {e["name"]: e for e in settings.registry()}
    for names in YAML_VAR_ALLOWED.values():
        for name in names:
            assert by_name[name]["default"] == "", name

def test_the_var_reference_page_is_generated_from_the_registry():
    page = PROJECT / "docs" / "vars.md"
    assert page.read_text() == settings.vars_markdown(), "docs/vars.md is stale: run `make docs-vars`"
    assert all(f"`{n}`" in page.read_text() for n in NAMES)


def _as_number(text: str):
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def test_defaults_quoted_in_docs_are_the_registry_defaults():
    """Docs may quote a setting's default as `name (value)`; the value must be the registry's,
    so a changed default cannot leave a description behind."""
    by_name = {e["name"]: e for e in settings.registry()}
    pages = [p for d in ("models", "docs") for p in (PROJECT / d).rglob("*") if p.suffix in (".yml", ".md")]
    pages.append(PROJECT / "README.md")
    wrong = []
    for page in pages:
        text = page.read_text()
        for name, quoted in re.findall(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`?\s+\(([-0-9][0-9.,]*)\)", text):
            entry = by_name.get(name)
            if entry is None or not isinstance(entry["default"], (int, float)) or isinstance(entry["default"], bool):
                continue
            if _as_number(quoted) != float(entry["default"]):
                wrong.append(f"{page.relative_to(PROJECT)}: {name} ({quoted}), registry default {entry['default']}")
    assert wrong == []


def test_label_model_settings_are_named_as_their_vars_and_default_nowhere_else():
    import dataclasses

    from customer_activation.labels.data import LabelModelSettings
    settings_fields = [f for f in dataclasses.fields(LabelModelSettings) if f.name != "max_iter"]
    assert {f.name for f in settings_fields} <= set(NAMES)
    assert all(f.default is dataclasses.MISSING for f in settings_fields)


def test_every_python_model_imports_model_io_first():
    """dbt runs Python models in threads; the first import of the learning modules must happen
    under model_io's import lock, or two threads importing campaigns.steps at once deadlock
    (_DeadlockError). isort would sort campaigns before io: wrappers keep `# isort: split`."""
    root = Path(__file__).resolve().parents[2]
    late = []
    for path in sorted((root / "models").rglob("*.py")):
        imports = [line for line in path.read_text().splitlines() if line.startswith(("from customer_activation", "import customer_activation"))]
        if imports and "io.model_io" not in imports[0]:
            late.append(f"{path.relative_to(root)}: first import is {imports[0]!r}")
    assert not late, "Python models must import customer_activation.io.model_io first:\n" + "\n".join(late)
