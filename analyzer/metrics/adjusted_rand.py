"""Agreement between two decompositions: the adjusted Rand index (Hubert & Arabie, 1985).

Pure functions over ``item -> cluster`` mappings; only the items present in both are compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping


def _pairs(count: int) -> float:
    return count * (count - 1) / 2


def adjusted_rand_index(left: Mapping[str, Hashable], right: Mapping[str, Hashable]) -> float:
    """Return the ARI of two labelings over their common items: 1.0 identical, ~0.0 random.

    With index = Σij C(nij,2), expected = Σi C(ai,2)·Σj C(bj,2) / C(n,2) and
    maximum = ½(Σi C(ai,2) + Σj C(bj,2)) over the contingency table n_ij of the two labelings:
    ARI = (index - expected) / (maximum - expected). Two identical trivial labelings give 1.0.
    """
    items = sorted(set(left) & set(right))
    cells = Counter((left[item], right[item]) for item in items)
    rows = Counter(left[item] for item in items)
    columns = Counter(right[item] for item in items)
    index = sum(_pairs(n) for n in cells.values())
    sum_rows = sum(_pairs(n) for n in rows.values())
    sum_columns = sum(_pairs(n) for n in columns.values())
    total = _pairs(len(items))
    expected = sum_rows * sum_columns / total if total else 0.0
    maximum = (sum_rows + sum_columns) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)
