"""The Python mirror of the data contract (customer_activation.contract, read by `doctor`)
equals the macro contract() of macros/sources/contract.sql: tables, required flags, columns
and their order."""
from __future__ import annotations

import re

from customer_activation.contract import TABLES
from customer_activation.settings import PROJECT_DIR

_TABLE = re.compile(r"^\s*'(\w+)': \{'required': (true|false), 'columns': \[", re.MULTILINE)
_COLUMN = re.compile(r"\{'name': '(\w+)'(.*?)\}")


def macro_contract() -> dict[str, tuple[bool, dict[str, bool]]]:
    text = (PROJECT_DIR / "macros" / "sources" / "contract.sql").read_text()
    body = text[text.index("{% macro contract() %}"):text.index("{% endmacro %}")]
    starts = list(_TABLE.finditer(body))
    tables = {}
    for i, match in enumerate(starts):
        chunk = body[match.end():starts[i + 1].start() if i + 1 < len(starts) else len(body)]
        columns = {name: "'required': true" in rest for name, rest in _COLUMN.findall(chunk)}
        tables[match.group(1)] = (match.group(2) == "true", columns)
    return tables


def test_mirror_equals_the_macro() -> None:
    macro = macro_contract()
    assert len(macro) == 11
    assert list(macro) == list(TABLES)
    for table, (required, columns) in macro.items():
        assert TABLES[table][0] == required, table
        assert list(TABLES[table][1].items()) == list(columns.items()), table
