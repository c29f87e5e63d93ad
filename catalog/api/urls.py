"""The catalog's endpoints under /api/v1/ (config/api_urls.py): models, labs, compare, export."""

from django.urls import path

from catalog.api import views

urlpatterns = [
    path("models/", views.ModelListView.as_view(), name="api-model-list"),
    path("models/count/", views.ModelCountView.as_view(), name="api-model-count"),
    path("models/<str:lab>/<str:model>/", views.ModelDetailView.as_view(), name="api-model-detail"),
    path("models/<str:lab>/<str:model>/prices/", views.ModelPricesView.as_view(), name="api-model-prices"),
    path(
        "models/<str:lab>/<str:model>/price-history/",
        views.ModelPriceHistoryView.as_view(),
        name="api-model-price-history",
    ),
    path("models/<str:lab>/<str:model>/unlock/", views.ModelUnlockView.as_view(), name="api-model-unlock"),
    path("labs/", views.LabListView.as_view(), name="api-lab-list"),
    path("labs/<str:slug>/", views.LabDetailView.as_view(), name="api-lab-detail"),
    path("compare/", views.CompareView.as_view(), name="api-compare"),
    path("export/", views.ExportView.as_view(), name="api-export"),
]
