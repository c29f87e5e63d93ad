"""The REST API endpoints of this app (mounted under /api/v1/ by config/api_urls.py)."""
