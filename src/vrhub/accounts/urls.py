from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/api-token/", views.api_token_issue, name="api-token-issue"),
    path("account/api-token/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("manage/agencies/", views.agency_list, name="agency-list"),
    path("manage/agencies/new/", views.agency_create, name="agency-create"),
    path("manage/agencies/<int:agency_id>/", views.agency_detail, name="agency-detail"),
    path("manage/agencies/<int:agency_id>/edit/", views.agency_edit, name="agency-edit"),
    path("manage/users/", views.user_list, name="user-list"),
    path("manage/users/new/", views.user_create, name="user-create"),
    path("manage/users/<int:user_id>/", views.user_detail, name="user-detail"),
    path("manage/users/<int:user_id>/edit/", views.user_edit, name="user-edit"),
    path("manage/users/<int:user_id>/unlock/", views.user_unlock, name="user-unlock"),
    path("manage/users/<int:user_id>/password/", views.user_password_set, name="user-password-set"),
]
