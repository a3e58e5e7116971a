from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("triage/", views.panels, name="panels"),
    path("triage/schedule/", views.schedule, name="schedule"),
    path("triage/<int:panel_id>/", views.panel, name="panel"),
    path("triage/<int:panel_id>/refresh/", views.refresh, name="refresh"),
    path("triage/<int:panel_id>/record/", views.record, name="record"),
    path("triage/<int:panel_id>/items/<int:item_id>/", views.item, name="item"),
    path(
        "triage/<int:panel_id>/items/<int:item_id>/information/",
        views.contribute,
        name="contribute",
    ),
    path("triage/<int:panel_id>/items/<int:item_id>/decision/", views.decide, name="decide"),
]
