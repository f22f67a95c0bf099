"""A self-check failure put in the extraction's terms: what the extraction changed that it hits.

The service's own models lose their many-to-many fields to other services' models (the join rows
stay with the monolith until an API replaces them), but code the service imports unchanged from
the installed monolith may still name them: pretalx's ``QuestionForm`` lists ``tracks``, and
Django refuses the form class at import with ``FieldError: Unknown field(s) (tracks) specified for
Question``. That line names the fields, not why they are gone; ``explained`` adds it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from analyzer.model.analysis import Analysis, Service

_UNKNOWN_FIELDS = re.compile(r"Unknown field\(s\) \(([^)]*)\) specified for (\w+)")


def removed_relations(analysis: Analysis, service: Service,
                      kept: Collection[tuple[str, str]] = ()) -> dict[tuple[str, str], str]:
    """(model class name, field name) -> "target (service owner)" for each many-to-many field of
    the service's models to a model another service owns, but those ``kept`` (model label, field)."""
    owners = {label: s.name for s in analysis.services for label in s.models}
    own = set(service.models)
    found = {}
    for label in sorted(own):
        model = analysis.model(label)
        for field in model.fields:
            target = field.target or ""
            if (field.relation == "m2m" and target not in own and target in owners
                    and (label, field.name) not in kept):
                found[(label.rsplit(".", 1)[-1], field.name)] = f"{target}, service {owners[target]}"
    return found


def explained(cause: str, removed: Mapping[tuple[str, str], str]) -> str:
    """``cause``, and when it is Django's refusal of fields the extraction removed, which they were."""
    match = _UNKNOWN_FIELDS.search(cause)
    if match is None:
        return cause
    names = sorted(name.strip() for name in match[1].split(","))
    gone = [f"{name} ({removed[(match[2], name)]})" for name in names if (match[2], name) in removed]
    if not gone:
        return cause
    return (f"{cause} [the extraction removed {', '.join(gone)}: many-to-many to other services' models, "
            "still named by code the service imports from the monolith]")
