"""The truth file of a synthetic monolith: every model's domain, must-together and must-apart pairs."""

from __future__ import annotations

import random

from bench.layered.spec import Layout

TOGETHER = 10
APART = 5
ANCHORED_APART = (("Order", "OrderPayment"), ("Event", "Order"))


def together_pairs(layout: Layout, rng: random.Random) -> list[tuple[str, str, str]]:
    """Pairs of one domain: composition (child -> root CASCADE) first, then same-domain roots."""
    composition = [
        (m.parent, m.name, "composition: FK to its root with CASCADE") for m in layout.models if m.parent
    ]
    same = [
        (a.name, b.name, f"same domain ({a.domain}), written by the same service")
        for i, a in enumerate(layout.models)
        for b in layout.models[i + 1 :]
        if a.domain == b.domain and not (b.parent == a.name or a.parent == b.name)
    ]
    picked = rng.sample(composition, min(TOGETHER, len(composition)))
    picked += rng.sample(same, min(TOGETHER - len(picked), len(same)))
    return [(a, b, r) for a, b, r in picked if a is not None]


def apart_pairs(layout: Layout, rng: random.Random) -> list[tuple[str, str, str]]:
    """Pairs across domains that the code couples: references, the checkout, the hub."""
    names = {m.name for m in layout.models}
    pairs = [
        (a, b, "coupled in code, but different domains")
        for a, b in ANCHORED_APART
        if a in names and b in names
    ]
    refs = sorted(
        {
            (r, m.name)
            for m in layout.models
            for r in m.refs
            if layout.spec(r).domain != m.domain and (r, m.name) not in ANCHORED_APART
        }
    )
    for a, b in rng.sample(refs, min(APART - len(pairs), len(refs))):
        pairs.append((a, b, "a cross-domain reference (id only in the target design)"))
    return pairs


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def truth_toml(layout: Layout, rng: random.Random) -> str:
    """The truth file text, in the ``bench/truth`` format."""
    lines = [
        f"# Truth of the synthetic layered monolith, seed {layout.seed} (bench/layered).",
        "",
        "[meta]",
        f'project = "synthetic-{layout.seed}"',
        f'version = "seed {layout.seed}"',
        'root = "."',
        'kind = "layered"',
        'hubs = ["base.Event"]',
        "",
        "[models]",
    ]
    lines += [f"{_quote(layout.label(m.name))} = {_quote(m.domain)}" for m in layout.models]
    lines += ["", "[left_out]"]
    for key, pairs in (
        ("must_together", together_pairs(layout, rng)),
        ("must_apart", apart_pairs(layout, rng)),
    ):
        for a, b, reason in pairs:
            lines += [
                "",
                f"[[{key}]]",
                f"a = {_quote(layout.label(a))}",
                f"b = {_quote(layout.label(b))}",
                f"reason = {_quote(reason)}",
            ]
    return "\n".join(lines) + "\n"
