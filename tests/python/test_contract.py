"""The contract Python reads (customer_activation.contract, used by `doctor`) is the macro
contract() of macros/sources/contract.sql, parsed: every table and column the macro names,
with its required flag, and the columns docs/data-contract.md documents."""
from __future__ import annotations

from customer_activation.contract import TABLES, required_columns, required_tables
from customer_activation.settings import PROJECT_DIR


def test_the_contract_is_read_from_the_macro() -> None:
    assert required_tables() == ["customers", "orders"]
    assert required_columns("orders") == ["order_id", "customer_id", "order_ts", "order_amount"]
    assert TABLES["consents"][1] == {"customer_id": True, "channel": True, "status": True, "updated_at": False}
    text = (PROJECT_DIR / "macros" / "sources" / "contract.sql").read_text()
    n_columns = sum(len(columns) for _, columns in TABLES.values())
    assert n_columns == text[text.index("{% macro contract() %}"):].split("{% endmacro %}")[0].count("{'name': ")


def test_every_contract_column_is_documented() -> None:
    """docs/data-contract.md has a row per table listing its columns, the required ones bold."""
    rows = {line.split("|")[1].strip(): line.split("|")[2] for line in
            (PROJECT_DIR / "docs" / "data-contract.md").read_text().splitlines() if line.startswith("| ")}
    wrong = []
    for table, (_, columns) in TABLES.items():
        listed = [part.strip().split(" ")[0] for part in rows.get(table, "").split(",")]
        for column, required in columns.items():
            if (f"**{column}**" if required else column) not in listed:
                wrong.append(f"{table}.{column}{' (required: bold)' if required else ''}")
    assert not wrong, f"columns of the contract not listed as such in docs/data-contract.md: {wrong}"
