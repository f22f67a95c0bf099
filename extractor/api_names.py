"""Names in the generated client: readable snake_case with acronyms kept whole, and unique methods."""

from __future__ import annotations

import keyword
import re
from collections import Counter
from collections.abc import Iterable, Mapping

_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^0-9A-Za-z]+")


def snake_case(name: str) -> str:
    """A lower-case identifier of ``name``'s words, an acronym being one word.

    ``HTTPResponse`` -> ``http_response``, ``get_URL_map`` -> ``get_url_map``, ``parseJSON`` ->
    ``parse_json``, ``OrderLine`` -> ``order_line``; a leading digit gets ``n_``, a keyword a
    trailing ``_``; nothing usable gives ``call``.
    """
    words = [w for part in _SEPARATORS.split(name) for w in _WORD_BREAK.split(part) if w]
    text = "_".join(words).lower() or "call"
    if text[0].isdigit():
        text = f"n_{text}"
    return f"{text}_" if keyword.iskeyword(text) else text


def method_names(functions: Iterable[str], taken: Iterable[str] = ()) -> Mapping[str, str]:
    """Qualified function name -> client method name, all distinct and none in ``taken``.

    A function's own name (``snake_case``) when no other function or taken name has it, else
    qualified by its module's last parts (``orders.pricing.get_price`` -> ``pricing_get_price``),
    then numbered; the same input always gives the same names.
    """
    names = sorted(set(functions))
    used = set(taken)
    depth = {n: 0 for n in names}
    chosen: dict[str, str] = {}
    while len(chosen) < len(names):
        pending = [n for n in names if n not in chosen]
        candidates = {n: _qualified(n, depth[n]) for n in pending}
        counts = Counter(candidates.values())
        for qualname, candidate in candidates.items():
            numbered = depth[qualname] >= len(qualname.split("."))  # the first in order wins
            if (counts[candidate] == 1 or numbered) and candidate not in used:
                chosen[qualname] = candidate
                used.add(candidate)
            else:
                depth[qualname] += 1
    return chosen


def _qualified(qualname: str, depth: int) -> str:
    parts = qualname.split(".")
    if depth < len(parts):
        return snake_case("_".join(parts[len(parts) - 1 - depth:]))
    return f"{snake_case('_'.join(parts))}_{depth - len(parts) + 2}"


def model_class_names(labels: Iterable[str]) -> Mapping[str, str]:
    """Model label -> the client's TypedDict name: the model's name (``catalog.Product`` ->
    ``Product``), or app and model (``BasketLine``, ``WishlistsLine``) when two share the name."""
    found = sorted(set(labels))
    counts = Counter(label.rsplit(".", 1)[-1] for label in found)
    return {label: name if counts[name] == 1 else _camel(label)
            for label in found for name in [label.rsplit(".", 1)[-1]]}


def _camel(label: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in _SEPARATORS.split(label) if part)
