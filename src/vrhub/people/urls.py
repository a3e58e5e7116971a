from django.urls import path

from vrhub.referrals import urls as referral_urls  # noqa: F401 - registers <reference:…>

from . import converters, views  # noqa: F401 - converters registers <person:…>

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
