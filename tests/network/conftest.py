import pytest

from learningcity.network import search


@pytest.fixture(autouse=True)
def _fresh_library_index():
    """Database ids are reused from one test to the next: never keep an index."""
    search.forget_library_index()
    yield
    search.forget_library_index()
