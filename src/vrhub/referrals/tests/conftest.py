from vrhub.referrals.tests.factories import coventry_area, directory

__all__ = ["coventry_area", "directory"]
