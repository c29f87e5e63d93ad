from django.conf import settings
from django.http import HttpRequest

NAV_LINKS = (
    ("Models", "/models/"),
    ("Providers", "/providers/"),
    ("Labs", "/labs/"),
    ("Compare", "/compare/"),
    ("Calculator", "/calculator/"),
    ("Benchmarks", "/benchmarks/"),
    ("Changes", "/changes/"),
)


def site(request: HttpRequest) -> dict:
    """What every page's frame needs: the site's name, its navigation, and this page's canonical URL (the path
    without its query string, so filtered views of a page do not compete with it in search engines)."""
    return {
        "site_name": settings.SITE_NAME,
        "nav_links": [(label, url, request.path.startswith(url)) for label, url in NAV_LINKS],
        "canonical_url": request.build_absolute_uri(request.path),
    }
