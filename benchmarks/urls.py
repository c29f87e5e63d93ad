from django.urls import path

from benchmarks import views

app_name = "benchmarks"

urlpatterns = [
    path("benchmarks/", views.benchmark_index, name="index"),
    path("benchmarks/<slug:slug>/", views.benchmark_detail, name="detail"),
]
