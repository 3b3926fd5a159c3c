"""The package's dbt steps called the way a dbt build calls them: every argument that is a var
takes the settings registry's default (macros/settings/registry.sql, the one home of defaults)
unless the test passes its own value."""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from customer_activation.settings import registry_defaults


def with_registry_defaults(fn: Callable, **var_of_param: str) -> Callable:
    """``fn`` with each parameter of ``var_of_param`` ({parameter: var name}) defaulting to the
    registry default of that var when the caller does not pass it (by position or keyword)."""
    values = registry_defaults()
    base = {param: values[var] for param, var in var_of_param.items()}
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind_partial(*args, **kwargs)
        for param, value in base.items():
            bound.arguments.setdefault(param, value)
        return fn(*bound.args, **bound.kwargs)

    return call
