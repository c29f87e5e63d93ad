from django.urls import path
from django.views.generic import RedirectView

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="catalog:model-list", permanent=False), name="home"),
    path("models/", views.model_list, name="model-list"),
    path("models/<str:lab>/<str:model>/", views.model_detail, name="model-detail"),
]
