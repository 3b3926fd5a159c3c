"""A Python mirror of the data contract (macro ``contract()`` in macros/sources/contract.sql,
docs/data-contract.md): per table, whether the build needs it, and its columns with whether a
present table must have them. ``customer-activation doctor`` checks a raw folder against it
without dbt; tests/python/test_contract_mirror.py checks it equals the macro."""
from __future__ import annotations

# table -> (table required, {column: column required}), in the macro's order
TABLES: dict[str, tuple[bool, dict[str, bool]]] = {
    "customers": (True, {"customer_id": True, "signup_date": False, "birth_year": False, "gender": False,
                         "city": False, "region": False, "acquisition_channel": False, "member_tier": False,
                         "email": False, "phone": False}),
    "orders": (True, {"order_id": True, "customer_id": True, "order_ts": True, "order_amount": True,
                      "discount_amount": False, "status": False, "channel": False}),
    "order_items": (False, {"order_id": True, "product_id": True, "quantity": True, "unit_price": True}),
    "products": (False, {"product_id": True, "category": True, "subcategory": False, "brand": False}),
    "events": (False, {"customer_id": True, "event_ts": True, "event_type": True, "product_id": False,
                       "category": False}),
    "customer_links": (False, {"customer_id": True, "linked_customer_id": True, "link_type": False,
                               "linked_at": False}),
    "campaigns": (False, {"campaign_id": True, "campaign_name": False, "objective": False, "channel": False,
                          "start_date": True, "end_date": False, "cost_per_contact": False, "fixed_cost": False,
                          "response_window_days": False}),
    "campaign_contacts": (False, {"campaign_id": True, "customer_id": True, "arm": True, "phase": False,
                                  "contacted_at": False, "predicted_response": False}),
    "campaign_responses": (False, {"campaign_id": True, "customer_id": True, "responded_at": True,
                                   "response_type": False, "revenue": False}),
    "manual_labels": (False, {"customer_id": True, "label_name": True, "label_value": True, "labeled_at": False,
                              "labeled_by": False}),
    "consents": (False, {"customer_id": True, "channel": True, "status": True, "updated_at": False}),
}


def required_tables() -> list[str]:
    return [t for t, (required, _) in TABLES.items() if required]


def required_columns(table: str) -> list[str]:
    return [c for c, required in TABLES[table][1].items() if required]
