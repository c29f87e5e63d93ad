"""The site's one date style (lib/formatting.py) for what Django formats itself: the admin and plain {{ date }}."""
