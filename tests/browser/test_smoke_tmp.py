import pytest
from .conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.browser

def test_smoke(page, world):
    page.goto("/sign-in/")
    print(page.title())
    assert_accessible(page)
