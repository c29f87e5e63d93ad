"""The REST API endpoints of this app (mounted under /api/v1/ by config/api_urls.py).

A slug matches any path segment, so that an unknown one gets the API's JSON 404 (see providers/api/urls.py).
"""

from django.urls import re_path

from benchmarks.api import views

urlpatterns = [
    re_path(r"^benchmarks/$", views.BenchmarkListView.as_view(), name="api-benchmark-list"),
    re_path(r"^benchmarks/(?P<slug>[^/]+)/scores/$", views.BenchmarkScoresView.as_view(), name="api-benchmark-scores"),
    re_path(
        r"^benchmarks/(?P<slug>[^/]+)/frontier/$", views.BenchmarkFrontierView.as_view(), name="api-benchmark-frontier"
    ),
]
