"""Analysis -> a Markdown summary fit for a pull-request comment (deterministic, bounded length)."""

from __future__ import annotations

from analyzer.model.analysis import Analysis, AnalysisWarning, Metrics
from analyzer.model.wording import plural
from reports.charts import METRIC_SPECS, metric_value
from reports.explain import aggregates_of, model_stories, notable_stories, split_stories
from reports.views import service_views, violation_counts
from reports.warnings_view import cause_of
from reports.why import name_origin

MAX_VIOLATIONS = 25
MAX_WARNINGS = 10
MAX_STORIES = 25
MAX_SPLITS = 15
MAX_AGGREGATES = 8  # per service


def cell(text: str) -> str:
    """Return ``text`` safe inside a Markdown table cell (pipes, newlines, HTML and backticks)."""
    cleaned = " ".join(text.split())
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("`", "'")):
        cleaned = cleaned.replace(char, escaped)
    return cleaned


def code(text: str) -> str:
    """Return ``text`` as inline code that survives a table cell (no HTML escaping inside code)."""
    cleaned = " ".join(text.split()).replace("`", "'").replace("|", "\\|")
    return f"`{cleaned}`"


def render_markdown(analysis: Analysis) -> str:
    """Return the summary: services, metrics beside the baselines, violations, plan, warnings."""
    sections = [_header(analysis), _services(analysis), _aggregates(analysis), _why_models(analysis),
                _split_modules(analysis), _metrics(analysis), _reference(analysis),
                _violations(analysis), _plan(analysis), _warnings(analysis)]
    return "\n\n".join(s for s in sections if s) + "\n"


def _header(analysis: Analysis) -> str:
    return (
        f"## demonolith: {cell(analysis.project_name)} in {plural(len(analysis.services), 'service')}\n\n"
        f"{plural(len(analysis.models), 'model')} · {plural(len(analysis.tables), 'table')} · "
        f"{plural(len(analysis.routes), 'route')} · "
        f"**{plural(len(analysis.violations), 'boundary violation')}** · "
        f"{plural(len(analysis.warnings), 'warning')}"
        + (f"\n\n{cell(analysis.count_reason)}" if analysis.count_reason else "")
    )


def _services(analysis: Analysis) -> str:
    rows = ["| service | apps | modules | models | tables | routes | lines | violations | its name |",
            "|---|---|--:|--:|--:|--:|--:|--:|---|"]
    for view in service_views(analysis):
        s = view.service
        rows.append(f"| **{cell(s.name)}** | {cell(', '.join(s.apps))} | {len(s.modules)} | "
                    f"{len(s.models)} | {len(s.tables)} | {len(s.routes)} | {s.lines} | "
                    f"{len(view.violations)} | {cell(name_origin(s, analysis))} |")
    return "### Services\n\n" + "\n".join(rows)


def _aggregates(analysis: Analysis) -> str:
    """Each service's aggregates: a root and the models deleted with it."""
    lines = []
    for name, found in sorted(aggregates_of(analysis).items()):
        if found:
            shown = " · ".join(_aggregate(g.root, g.members) for g in found[:MAX_AGGREGATES])
            more = f" · …and {len(found) - MAX_AGGREGATES} more" if len(found) > MAX_AGGREGATES else ""
            lines.append(f"- **{cell(name)}**: {shown}{more}")
    if not lines:
        return ""
    return ("### Aggregates\n\nA root and the models deleted with it (CASCADE) stay in one service.\n\n"
            + "\n".join(lines))


def _aggregate(root: str, members: tuple[str, ...]) -> str:
    return code(root) + (f" with {', '.join(code(m) for m in members)}" if members else "")


def _why_models(analysis: Analysis) -> str:
    """Hubs and models away from their app, each with the sentence that says why."""
    notable = notable_stories(model_stories(analysis))
    if not notable:
        return ""
    lines = [f"- {cell(s.sentence)}" for s in notable[:MAX_STORIES]]
    if len(notable) > MAX_STORIES:
        lines.append(f"- …and {len(notable) - MAX_STORIES} more in the HTML report")
    head = (f"### Hubs and models away from their app\n\n{plural(len(notable), 'model')} "
            "(every model's reason is on the report's models page):\n\n")
    return head + "\n".join(lines)


def _split_modules(analysis: Analysis) -> str:
    """The modules spread over services, each with what its parts write."""
    splits = split_stories(analysis)
    if not splits:
        return ""
    lines = [f"- {cell(s.sentence)}" for s in splits[:MAX_SPLITS]]
    if len(splits) > MAX_SPLITS:
        lines.append(f"- …and {len(splits) - MAX_SPLITS} more in the HTML report")
    return "### Modules split over services\n\n" + "\n".join(lines)


def _metrics(analysis: Analysis) -> str:
    if analysis.metrics is None:
        return ""
    m = analysis.metrics
    rows = ["| metric | proposal | one service per app | monolith |", "|---|--:|--:|--:|"]
    for spec in METRIC_SPECS:
        values: list[Metrics] = [m.proposal, m.per_app, m.monolith]
        shown = " | ".join(metric_value(v, spec) for v in values)
        arrow = "↑" if spec.better == "higher" else "↓"
        rows.append(f"| {spec.label} {arrow} | {shown} |")
    return "### Metrics beside the baselines\n\n" + "\n".join(rows)


def _reference(analysis: Analysis) -> str:
    """The models placed differently from ``--reference``, when the analysis was scored against one."""
    if analysis.metrics is None or analysis.metrics.proposal.reference_ari is None:
        return ""
    differences = analysis.reference_differences
    head = f"### Against the reference\n\n{plural(len(differences), 'model')} placed differently"
    if not differences:
        return head + "."
    rows = ["| model | in the reference | most of those models are in | this model is in |",
            "|---|---|---|---|"]
    rows += [f"| {code(d.model)} | {cell(d.reference)} | {cell(d.expected)} | {cell(d.service)} |"
             for d in differences]
    return head + ":\n\n" + "\n".join(rows)


def _violations(analysis: Analysis) -> str:
    counts = [f"{kind}: {count}" for kind, count in violation_counts(analysis) if count]
    if not counts:
        return "### Boundary violations\n\nNone."
    ordered = sorted(analysis.violations, key=lambda v: (v.kind, v.path, v.line, v.id))
    rows = ["| kind | what crosses | where | fix |", "|---|---|---|---|"]
    rows += [f"| {v.kind} | {cell(v.subject)} | {code(f'{v.path}:{v.line}')} | {cell(v.remedy)} |"
             for v in ordered[:MAX_VIOLATIONS]]
    more = len(ordered) - MAX_VIOLATIONS
    tail = f"\n\n…and {more} more in the HTML report." if more > 0 else ""
    return "### Boundary violations\n\n" + " · ".join(counts) + "\n\n" + "\n".join(rows) + tail


def _plan(analysis: Analysis) -> str:
    if not analysis.plan:
        return ""
    lines = []
    for step in sorted(analysis.plan, key=lambda s: s.order):
        saga = " (needs a saga)" if step.needs_saga else ""
        lines.append(f"{step.order}. **{cell(step.service)}** — effort {step.effort}, "
                     f"{plural(len(step.routes), 'route')}, {plural(len(step.tables), 'table')}{saga}. "
                     f"{cell(step.reasoning)}")
    return "### Migration plan\n\n" + "\n".join(lines)


def _warnings(analysis: Analysis) -> str:
    if not analysis.warnings:
        return ""
    lines = [f"- {code(f'{w.path}:{w.line}')} {cell(w.reason)}" for w in shown_warnings(analysis)]
    more = len(analysis.warnings) - len(lines)
    if more > 0:
        lines.append(f"- …and {more} more in the HTML report")
    return "### Warnings\n\n" + "\n".join(lines)


def shown_warnings(analysis: Analysis) -> list[AnalysisWarning]:
    """The first :data:`MAX_WARNINGS` warnings, taken a cause at a time (the first place of each
    cause, then the second of each...), so no cause hides behind a longer one; in their order."""
    by_cause: dict[str, list[int]] = {}
    for index, warning in enumerate(analysis.warnings):
        by_cause.setdefault(cause_of(warning.reason), []).append(index)
    chosen: set[int] = set()
    for rank in range(MAX_WARNINGS):
        for places in by_cause.values():
            if rank < len(places) and len(chosen) < MAX_WARNINGS:
                chosen.add(places[rank])
    return [w for index, w in enumerate(analysis.warnings) if index in chosen]
