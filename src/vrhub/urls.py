from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from vrhub.accounts.api import MeApi
from vrhub.audit.api import AuditEventListApi
from vrhub.cases.api_urls import urlpatterns as cases_api
from vrhub.core.api import api_not_found
from vrhub.measures.api_urls import urlpatterns as measures_api
from vrhub.people.api_urls import urlpatterns as people_api
from vrhub.referrals.api import ReferralApi, ReferralListApi

api_v1 = [
    path("me", MeApi.as_view(), name="me"),
    path("audit-events", AuditEventListApi.as_view(), name="audit-events"),
    path("referrals", ReferralListApi.as_view(), name="referrals"),
    path("referrals/<reference:reference>", ReferralApi.as_view(), name="referral"),
    *cases_api,
    *people_api,
    *measures_api,
]

urlpatterns = [
    path("", include("vrhub.core.urls")),
    path("", include("vrhub.accounts.urls")),
    path("", include("vrhub.audit.urls")),
    path("", include("vrhub.referrals.urls")),
    path("", include("vrhub.triage.urls")),
    path("", include("vrhub.cases.urls")),
    path("", include("vrhub.people.urls")),
    path("", include("vrhub.measures.urls")),
    path("api/v1/", include((api_v1, "api"))),
    # REST framework views authenticate by token or session and answer 401 themselves.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs page is for people: without a session, send them to sign in.
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="core/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
    re_path(r"^api/", login_not_required(api_not_found)),
]

handler500 = "vrhub.core.views.server_error"
