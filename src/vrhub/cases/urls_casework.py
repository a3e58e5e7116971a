"""Casework: the caseworker's cases, caseloads, the case page and its changes, and mentees."""

from django.urls import URLPattern, path

from . import views

CASE = "cases/<case:reference>/"

urlpatterns: list[URLPattern] = [
    path("cases/", views.mine, name="mine"),
    path("cases/caseloads/", views.caseloads, name="caseloads"),
    path(CASE, views.detail, name="detail"),
    path(f"{CASE}reassign/", views.reassign, name="reassign"),
    path(f"{CASE}move/", views.move, name="move"),
    path(f"{CASE}close/", views.close, name="close"),
    path(f"{CASE}reopen/", views.reopen, name="reopen"),
    path(f"{CASE}offer/", views.offer, name="offer"),
    path(f"{CASE}offer/answer/", views.offer_answer, name="offer-answer"),
    path(f"{CASE}moments/", views.moment, name="moment"),
    path(f"{CASE}mentor/", views.mentor, name="mentor"),
    path(f"{CASE}contacts/", views.contact, name="contact"),
    path(f"{CASE}needs/", views.needs, name="needs"),
    path(f"{CASE}goals/", views.goal, name="goal"),
    path(f"{CASE}goals/<int:goal_id>/status/", views.goal_status, name="goal-status"),
    path(f"{CASE}services/", views.service_add, name="service-add"),
    path(f"{CASE}services/<int:planned_id>/status/", views.service_status, name="service-status"),
    path(f"{CASE}services/<int:planned_id>/raise/", views.service_raise, name="service-raise"),
    path(f"{CASE}releases/", views.release, name="release"),
    path(f"{CASE}family/", views.family_add, name="family-add"),
    path(f"{CASE}family/link/", views.family_link, name="family-link"),
    path(
        f"{CASE}family/<int:member_id>/involved/",
        views.family_involved,
        name="family-involved",
    ),
    path("mentees/", views.mentees, name="mentees"),
    path("mentees/<case:reference>/", views.mentee, name="mentee"),
    path("mentees/<case:reference>/contact/", views.mentee_contact, name="mentee-contact"),
]
