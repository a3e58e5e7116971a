from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.trail, name="trail"),
    path("audit/export.csv", views.trail_export, name="export"),
]
