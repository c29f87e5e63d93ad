"""The integrations' pages outside /api/v1/: the embeddable badges."""

from django.urls import path

from integrations import views

urlpatterns = [
    path("badges/<str:lab>/<str:model>.svg", views.badge, name="badge"),
]
