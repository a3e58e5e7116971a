"""The CIRV pathway's pages: casework (cases, caseloads, mentees) and the at-risk list,
disruption and programme figures. Each group keeps its own list of URLs."""

from . import converters  # noqa: F401 - registers the <case:reference> converter
from .urls_at_risk import urlpatterns as at_risk
from .urls_casework import urlpatterns as casework

app_name = "cases"

urlpatterns = [*casework, *at_risk]
