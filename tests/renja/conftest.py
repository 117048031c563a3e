import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_restored():
    """A page activates the visitor's language and leaves it on the thread: English from one test made later
    tests (musrenbang's refusal messages) read English. Each test here ends in the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
