"""The REST API endpoints of this app (mounted under /api/v1/ by config/api_urls.py).

Slugs and ids match any path segment, so that an unknown or malformed one reaches the view and gets the API's JSON
404 rather than the site's HTML page; the views parse ids (providers.api.views.parse_id).
"""

from django.urls import re_path

from providers.api import views

SEGMENT = r"(?P<{}>[^/]+)"
SLUG, ID = SEGMENT.format("slug"), SEGMENT.format("pk")

urlpatterns = [
    re_path(r"^providers/$", views.ProviderListView.as_view(), name="api-provider-list"),
    re_path(rf"^providers/{SLUG}/$", views.ProviderDetailView.as_view(), name="api-provider-detail"),
    re_path(r"^changes/$", views.ChangeListView.as_view(), name="api-changes"),
    re_path(r"^estimate/$", views.EstimateView.as_view(), name="api-estimate"),
    re_path(r"^offerings/$", views.OfferingCreateView.as_view(), name="api-offering-create"),
    re_path(rf"^offerings/{ID}/$", views.OfferingView.as_view(), name="api-offering"),
    re_path(rf"^offerings/{ID}/prices/$", views.OfferingPriceView.as_view(), name="api-offering-prices"),
    re_path(rf"^prices/{ID}/end/$", views.PriceEndView.as_view(), name="api-price-end"),
    re_path(rf"^prices/{ID}/release/$", views.PriceReleaseView.as_view(), name="api-price-release"),
]
