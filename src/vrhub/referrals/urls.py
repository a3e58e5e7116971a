from django.urls import path, register_converter

from . import configuration_views, statistics_views, views


class ReferenceConverter:
    regex = "R-[23456789A-HJKMNP-Z]{8}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")

app_name = "referrals"

urlpatterns = [
    path("referrals/new/", views.start, name="start"),
    path("referrals/mine/", views.mine, name="mine"),
    path("referrals/queue/", views.queue, name="queue"),
    path("referrals/<reference:reference>/answer/<slug:slug>/", views.step, name="step"),
    path("referrals/<reference:reference>/safeguarding/", views.safeguarding, name="safeguarding"),
    path("referrals/<reference:reference>/check/", views.check, name="check"),
    path("referrals/<reference:reference>/sent/", views.sent, name="sent"),
    path("referrals/<reference:reference>/status/", views.status, name="status"),
    path("referrals/<reference:reference>/", views.detail, name="detail"),
    path("referrals/<reference:reference>/decision/", views.decide, name="decide"),
    path("referrals/<reference:reference>/signpost/", views.signpost, name="signpost"),
    path("referrals/<reference:reference>/repeat/", views.mark_repeat, name="repeat"),
    path("referrals/<reference:reference>/ask/", views.ask, name="ask"),
    path("referrals/<reference:reference>/reply/", views.reply, name="reply"),
    path("referrals/upload/", views.upload, name="upload"),
    path("referrals/upload/sent/", views.upload_sent, name="upload-sent"),
    path("referrals/figures/", statistics_views.figures, name="figures"),
    path("referrals/areas/", configuration_views.areas, name="areas"),
    path("referrals/areas/<int:area_id>/edit/", configuration_views.area_edit, name="area-edit"),
    path("referrals/directory/", configuration_views.directory, name="directory"),
    path("referrals/directory/new/", configuration_views.service_edit, name="service-create"),
    path(
        "referrals/directory/<int:service_id>/edit/",
        configuration_views.service_edit,
        name="service-edit",
    ),
    path("referrals/figures/<slug:table>.csv", statistics_views.figures_csv, name="figures-csv"),
]
