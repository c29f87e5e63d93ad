"""How far a stated value is trusted: the precedence ranks shared by the sync and a person's edits.

Higher wins when two sources state the same figure. The sync assigns each source its rank
(providers/sync/sources/__init__.py: source_rank); a curator's edit ranks highest, and a value a curator unlocks is
marked RELEASED so that it ranks below every source and the next sync replaces it.
"""

CURATOR_PRECEDENCE = 100
FIRST_PARTY_PRECEDENCE = 50
AGGREGATOR_PRECEDENCE = 10

# What a curator's value becomes when they unlock it.
RELEASED = "released"
