from django.urls import path

from catalog.pages import browse, calculator, compare, site_pages, views

app_name = "catalog"

urlpatterns = [
    path("", site_pages.home, name="home"),
    path("models/", browse.model_list, name="model-list"),
    path("models/<str:lab>/<str:model>/", views.model_detail, name="model-detail"),
    path("labs/", site_pages.lab_list, name="lab-list"),
    path("labs/<slug:slug>/", site_pages.lab_detail, name="lab-detail"),
    path("compare/", compare.compare, name="compare"),
    path("calculator/", calculator.calculator, name="calculator"),
    path("api/guide/", site_pages.api_guide, name="api-guide"),
    path("api/guide/<slug:page>/", site_pages.api_guide, name="api-guide-page"),
]
