from vrhub.cases.tests.factories import caseworker, make_case, manager, mentor, st_giles
from vrhub.referrals.tests.factories import coventry_area, directory

__all__ = [
    "caseworker",
    "coventry_area",
    "directory",
    "make_case",
    "manager",
    "mentor",
    "st_giles",
]
