"""Where a service's name comes from, in a sentence (the models' and modules' reasons are in
:mod:`reports.explain`)."""

from __future__ import annotations

from analyzer.model.analysis import Analysis, Service


def name_origin(service: Service, analysis: Analysis) -> str:
    """Where a service's name comes from, in a sentence: the analyzer's ``name_reason`` when it gave one.

    An analysis without it (written before the analyzer recorded it) gets the best guess from the
    service's apps and models.
    """
    if service.name_reason:
        return service.name_reason
    name = service.name
    if name in service.apps:
        return f"named after the Django app {name}, which contributes most of its models"
    for label in service.models:
        model = label.split(".", 1)[-1].lower()
        if name.replace("_", "").startswith(model) or model.startswith(name.replace("_", "").rstrip("s")):
            return f"named after its central model {label}"
    if service.apps:
        return ("a renamed or pinned name (see [tool.demonolith] names/pin); its code comes mostly "
                f"from {service.apps[0]}")
    return "named after its routes"
