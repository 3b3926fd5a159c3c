"""Bring your own data: mappings from real exports to the project's data contract.

Each module turns one export into a folder of contract tables that the dbt project reads with
``--vars '{raw_data_path: <folder>}'``. A mapping only reshapes: it never drops or repairs a
row that the staging models can judge, so every input row is kept or rejected (with a reason)
by the project itself, and a manifest of input counts makes the reconciliation checkable.
"""
