"""The data contract as Python reads it: the macro ``contract()`` of macros/sources/contract.sql
(docs/data-contract.md) parsed, so there is one definition. Per table, whether the build needs
it, and its columns with whether a present table must have them, in the macro's order.
``customer-activation doctor`` checks a raw folder against it without dbt."""
from __future__ import annotations

import re
from functools import cache

from customer_activation.settings import PROJECT_DIR

CONTRACT_PATH = PROJECT_DIR / "macros" / "sources" / "contract.sql"
_TABLE = re.compile(r"^\s*'(\w+)': \{'required': (true|false), 'columns': \[", re.MULTILINE)
_COLUMN = re.compile(r"\{'name': '(\w+)'(.*?)\}")


@cache
def contract_tables() -> dict[str, tuple[bool, dict[str, bool]]]:
    """table -> (table required, {column: column required}), read from the macro."""
    text = CONTRACT_PATH.read_text()
    start = text.index("{% macro contract() %}")
    body = text[start:text.index("{% endmacro %}", start)]
    starts = list(_TABLE.finditer(body))
    if not starts:
        raise ValueError(f"no contract tables found in {CONTRACT_PATH}: the macro contract() changed shape")
    tables = {}
    for i, match in enumerate(starts):
        chunk = body[match.end():starts[i + 1].start() if i + 1 < len(starts) else len(body)]
        columns = {name: "'required': true" in rest for name, rest in _COLUMN.findall(chunk)}
        tables[match.group(1)] = (match.group(2) == "true", columns)
    return tables


TABLES = contract_tables()


def required_tables() -> list[str]:
    return [t for t, (required, _) in TABLES.items() if required]


def required_columns(table: str) -> list[str]:
    return [c for c, required in TABLES[table][1].items() if required]
