"""A self-check failure that hits a field the extraction removed says so."""

from __future__ import annotations

from extractor.failure_hints import explained

REMOVED = {("Question", "tracks"): "submission.Track, service submissions",
           ("Question", "limit_teams"): "event.Team, service event"}


def test_djangos_refusal_of_removed_fields_names_them() -> None:
    cause = ("check: django.core.exceptions.FieldError: Unknown field(s) (tracks, limit_teams, colour) "
             "specified for Question")
    assert explained(cause, REMOVED) == (
        f"{cause} [the extraction removed limit_teams (event.Team, service event), tracks (submission.Track, "
        "service submissions): many-to-many to other services' models, still named by code the service "
        "imports from the monolith]")


def test_other_failures_are_left_as_they_are() -> None:
    refused = "check: django.core.exceptions.FieldError: Unknown field(s)"
    for cause in ("tests: AssertionError: 400 != 201", f"{refused} (colour) specified for Question",
                  f"{refused} (tracks) specified for Talk"):
        assert explained(cause, REMOVED) == cause
