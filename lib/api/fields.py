"""Serializer pieces every endpoint shares: money as decimal strings, optional text as null, tier thresholds, and
the one error shape (lib.api.plumbing.exception_handler)."""

from __future__ import annotations

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
