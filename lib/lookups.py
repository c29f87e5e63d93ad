"""Custom lookups, registered on import (catalog/models.py imports this module)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models


class AnyOf(models.lookups.In):
    """`pk__any_of=[...]`: like `__in`, but PostgreSQL gets the values as one array parameter (`= ANY(%s)`). A
    list of ~2,000 ids as separate placeholders cost ~7 ms per query in psycopg's client-side query splitting
    alone, twice per listing (the page and its count). Other databases get the plain IN list."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Sequence[Any]]:
        if not isinstance(self.rhs, (list, tuple, set, frozenset)):  # a subquery or an expression: a plain IN
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [int(value) for value in self.rhs]
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, values]


models.BigAutoField.register_lookup(AnyOf)
