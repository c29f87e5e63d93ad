"""How far a stated value is trusted: the precedence ranks shared by the sync and a person's edits.

Higher wins when two sources state the same figure (docs/sources.md, "Precedence"). The sync assigns each source
its rank (providers/sync/sources/__init__.py: source_rank); a curator's edit ranks highest, and a value a curator
unlocks is marked RELEASED so that it ranks below every source and the next sync replaces it.
"""

CURATOR_PRECEDENCE = 100
FIRST_PARTY_PRECEDENCE = 50
# A curated file's figure on a route whose provider publishes its own feed (OpenRouter's route, Vercel's gateway):
# that feed is the first party there and outranks the file, which still outranks every aggregator. Everywhere else
# the curated files are the first-party voice (a lab's own API, from its dated pricing page) and rank as a curator.
# A person's edit (an admin or API edit: any source name outside the registry) is a lock and always ranks highest.
CURATED_UNDER_FEED_PRECEDENCE = 40
AGGREGATOR_PRECEDENCE = 10

# What a curator's value becomes when they unlock it.
RELEASED = "released"
