from django.urls import path, register_converter

from . import views


class PersonReferenceConverter:
    regex = "P-[23456789A-HJKMNP-Z]{8}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PersonReferenceConverter, "person")

app_name = "people"

urlpatterns = [
    path("people/", views.queue, name="queue"),
    path("people/check/", views.check, name="check"),
    path("people/link-list/", views.link_list, name="link-list"),
    path("people/pairs/<int:candidate_id>/", views.pair, name="pair"),
    path("people/merges/<int:merge_id>/undo/", views.undo_merge, name="undo-merge"),
    path("people/referrals/<reference:reference>/", views.referral_person, name="referral"),
    path("people/<person:reference>/", views.person, name="person"),
]
