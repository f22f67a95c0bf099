"""What a moved view needs of the monolith's own middleware: tests/fixtures/middleware_views."""

from __future__ import annotations

from extractor.closure import ForeignUse
from extractor.middleware import MIDDLEWARE_OWNER, middleware_uses, request_attributes
from extractor.pysource import Definition, SourceTree
from tests.extractor.helpers import ROOT

TREE = SourceTree(ROOT / "tests" / "fixtures" / "middleware_views")
VENUE, LOGIN, COUNTING = (f"conf.middleware.{name}Middleware" for name in ("Venue", "Login", "Counting"))


def _definitions(*names: str) -> list[Definition]:
    found = [TREE.definition(f"conf.views.{name}") for name in names]
    assert all(found)
    return [d for d in found if d is not None]


def test_the_attributes_the_middleware_sets_and_the_user_one_answers_by() -> None:
    """Django's middleware is outside the tree: not read; ``LoginMiddleware`` redirects by the user,
    ``CountingMiddleware`` only reads it (it returns the next handler's response)."""
    found = request_attributes(TREE, ["django.middleware.common.CommonMiddleware", VENUE, LOGIN, COUNTING])
    assert found == {"venue": VENUE, "venue_tz": VENUE, "user": LOGIN}
    assert request_attributes(TREE, [VENUE, COUNTING]) == {"venue": VENUE, "venue_tz": VENUE}


def test_the_views_reading_them_and_where() -> None:
    attributes = {"venue": VENUE, "venue_tz": VENUE, "user": LOGIN}
    where = {"conf.views.venue_page": "conf/views.py:5", "conf.views.BaseVenueView": "conf/views.py:9"}
    assert middleware_uses(_definitions("venue_page"), attributes, where) == (
        ForeignUse("conf/views.py", 5, "request.venue", VENUE, MIDDLEWARE_OWNER),)
    # the read is in a base the view carries (self.request.X)
    inherited = middleware_uses(_definitions("TimezoneView", "BaseVenueView"), attributes, where)
    assert inherited == (ForeignUse("conf/views.py", 9, "request.venue_tz", VENUE, MIDDLEWARE_OWNER),)
    assert [u.reference for u in middleware_uses(_definitions("promote"), attributes, {})] == ["request.user"]
    assert middleware_uses(_definitions("about"), attributes, where) == ()
