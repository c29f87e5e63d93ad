from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from catalog.pages import site_pages
from config import views as config_views

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("providers.urls")),
    path("", include("benchmarks.urls")),
    path("", include("integrations.urls")),
    path("sitemap.xml", site_pages.sitemap, name="sitemap"),
    path("robots.txt", site_pages.robots_txt, name="robots"),
    path("healthz", config_views.healthz, name="healthz"),
    path("readyz", config_views.readyz, name="readyz"),
    # Browsers ask for /favicon.ico whatever the page's icon link says.
    path("favicon.ico", RedirectView.as_view(url=f"/{settings.STATIC_URL.strip('/')}/img/favicon.svg", permanent=True)),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.forbidden"
handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
