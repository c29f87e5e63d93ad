from django.contrib import admin
from django.urls import include, path

from catalog import site_pages

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("providers.urls")),
    path("", include("benchmarks.urls")),
    path("sitemap.xml", site_pages.sitemap, name="sitemap"),
    path("robots.txt", site_pages.robots_txt, name="robots"),
    path("admin/", admin.site.urls),
]
