from django.urls import path

from providers import feeds, views

app_name = "providers"

urlpatterns = [
    path("providers/", views.provider_list, name="provider-list"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider-detail"),
    path("changes/", views.changes, name="changes"),
    path("changes/feed.rss", feeds.ChangesRssFeed(), name="changes-rss"),
    path("changes/feed.atom", feeds.ChangesAtomFeed(), name="changes-atom"),
]
