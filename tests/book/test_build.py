"""The website builds with warnings as errors, and every page in _toc.yml becomes HTML."""

import pytest

from tests.conftest import toc_files

pytestmark = pytest.mark.slow


def test_book_builds_with_warnings_as_errors(book_html):
    assert (book_html / "index.html").exists()


@pytest.mark.parametrize("page", toc_files())
def test_every_toc_page_is_built(book_html, page):
    assert (book_html / f"{page}.html").exists(), f"{page} is in _toc.yml but was not built"
