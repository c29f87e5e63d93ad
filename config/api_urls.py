"""/api/v1/: each app's endpoints, the OpenAPI schema and its interactive docs (Swagger UI, vendored)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.views import ApiIndexView

urlpatterns = [
    path("", ApiIndexView.as_view(), name="api-index"),
    path("", include("catalog.api.urls")),
    path("", include("providers.api.urls")),
    path("", include("benchmarks.api.urls")),
    path("", include("integrations.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its initialising script as a file, and our template its style: nothing inline.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html"),
        name="api-docs",
    ),
]
