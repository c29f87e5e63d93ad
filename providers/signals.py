"""Signals the providers domain sends for others to hear (it imports none of its listeners)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `events` (saved ChangeEvents, with their ids) after a sync bulk-creates them, which sends no post_save.
change_events_created = Signal()
