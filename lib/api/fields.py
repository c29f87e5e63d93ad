"""Serializer pieces every endpoint shares: money as decimal strings, optional text as null, tier thresholds, and
the one error shape (lib.api.plumbing.exception_handler)."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers


def decimal_string(*, places: int | None = None, **kwargs: Any) -> serializers.DecimalField:
    """A read-only decimal as a string without trailing zeros ("0.15", "33"); `places` rounds first (values
    computed by the database, whose precision differs between backends)."""
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=places,
        normalize_output=True,
        coerce_to_string=True,
        read_only=True,
        **kwargs,
    )


class BlankAsNullCharField(serializers.CharField):
    """An optional text stored as "" and published as null (unknown values are null, as in the export)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> str | None:
        return str(value) if value else None


class BlankAsNullChoiceField(serializers.ChoiceField):
    """An optional choice stored as "" and published as null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(value) or None


class ThresholdField(serializers.IntegerField):
    """A long-context tier: null for the base price, N when the price applies to prompts above N tokens."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> int | None:
        return int(value) or None


class ErrorSerializer(serializers.Serializer):
    """Every error: a readable message, and for bad input the offending parameters or fields."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,  # not read-only: a read-only field is "required" in a response schema
        help_text="present for a 400: {parameter or field: [messages]}",
    )


# A number as text, in ASCII digits only: int() and Decimal() also read fullwidth digits and "1_000".
ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")
ASCII_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class WholeNumberField(serializers.IntegerField):
    """An integer as a JSON number or as text of ASCII digits; never a boolean, "1_000" or fullwidth digits."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or (isinstance(data, str) and not ASCII_INTEGER.fullmatch(data.strip())):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class PlainDecimalField(serializers.DecimalField):
    """A decimal as a JSON number or as text in ASCII digits (Decimal() alone also reads fullwidth digits and "1_0")."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or (isinstance(data, str) and not ASCII_DECIMAL.fullmatch(data.strip())):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextRegexField(serializers.RegexField):
    """A RegexField that takes only text: DRF's turns a number into its digits (`"slug": 0` would be "0")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))
