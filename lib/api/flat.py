"""Read-only serializers rendered from plain rows: a DRF serializer stays the one declaration of an answer's fields
(and of its OpenAPI schema); FlatSerializer renders the same JSON from dicts (a `values()` row, with its nested
lists attached by the caller) without building a model instance and a serializer per row, which is most of what a
cold list or detail costs.

Each field is rendered by the serializer's own field object (`to_representation`), in the serializer's order, from
the row key its `source` names ("lab.slug" -> "lab__slug", as `values()` spells it); None stays None, as DRF does.
Nested serializers (many=True) render the list the row holds under their source. Fields that read the whole
instance (source="*": method fields, custom fields) need a getter: by field class (`types`) or by name (`names`);
a SerializerMethodField without one calls the serializer's own method with the row, so its method must not read
the instance. A serializer that overrides `to_representation` is refused: its rule could not be followed here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import serializers

Row = Mapping[str, Any]
Getter = Callable[[Row, Any], Any]  # (row, context) -> the field's JSON value


def column(field: serializers.Field) -> str:
    """The `values()` key of a field's source ("lab.slug" -> "lab__slug")."""
    return "__".join(field.source_attrs)


def _plain(key: str, render: Callable[[Any], Any]) -> Getter:
    def get(row: Row, context: Any) -> Any:
        value = row[key]
        return None if value is None else render(value)

    return get


def _many(key: str, child: FlatSerializer) -> Getter:
    def get(row: Row, context: Any) -> Any:
        items = row[key]
        return None if items is None else [child.render(item, context) for item in items]

    return get


def _method(method: Callable[[Any], Any]) -> Getter:
    def get(row: Row, context: Any) -> Any:
        return method(row)

    return get


class FlatSerializer:
    """`render(row)` equals `serializer_class(instance).data` for the instance the row describes.

    `types`: {field class: factory(field) -> getter} for custom fields; `names`: {field name: getter}; `nested`:
    {field name: FlatSerializer} for a nested serializer that needs getters of its own. `columns` are the row keys
    of the plain fields, in order (what to pass to `values()`); nested lists and custom fields are the caller's:
    `lists` names, for each nested list, the row key it is read from and its own FlatSerializer."""

    def __init__(
        self,
        serializer_class: type[serializers.Serializer],
        *,
        types: Mapping[type[serializers.Field], Callable[[Any], Getter]] | None = None,
        names: Mapping[str, Getter] | None = None,
        nested: Mapping[str, FlatSerializer] | None = None,
    ) -> None:
        if serializer_class.to_representation is not serializers.Serializer.to_representation:
            raise TypeError(f"{serializer_class.__name__} overrides to_representation: it cannot be rendered flat")
        self.serializer_class = serializer_class
        types, names, nested = types or {}, names or {}, nested or {}
        prototype = serializer_class()
        getters: list[tuple[str, Getter]] = []
        columns: list[str] = []
        self.lists: dict[str, tuple[str, FlatSerializer]] = {}
        for name, field in prototype.fields.items():
            if field.write_only:
                continue
            getters.append((name, self._getter(prototype, name, field, types, names, nested, columns)))
        self.getters = tuple(getters)
        self.columns = tuple(columns)

    def _getter(
        self,
        prototype: serializers.Serializer,
        name: str,
        field: serializers.Field,
        types: Mapping[type[serializers.Field], Callable[[Any], Getter]],
        names: Mapping[str, Getter],
        nested: Mapping[str, FlatSerializer],
        columns: list[str],
    ) -> Getter:
        if name in names:
            return names[name]
        for kind, factory in types.items():
            if isinstance(field, kind):
                return factory(field)
        if isinstance(field, serializers.ListSerializer):
            child = nested.get(name) or FlatSerializer(type(field.child), types=types)
            self.lists[name] = (column(field), child)
            return _many(column(field), child)
        if isinstance(field, serializers.SerializerMethodField):
            return _method(getattr(prototype, field.method_name))
        if isinstance(field, serializers.BaseSerializer) or field.source == "*":
            raise TypeError(f"{self.serializer_class.__name__}.{name}: no flat getter for {type(field).__name__}")
        columns.append(column(field))
        return _plain(column(field), field.to_representation)

    def render(self, row: Row, context: Any = None) -> dict[str, Any]:
        return {name: get(row, context) for name, get in self.getters}
