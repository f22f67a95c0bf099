"""The report's repeated markup written by functions (``reports/tags.py``) is what the template
macros it replaces wrote, escaping included; packed data is the JSON the stdlib writes."""

from __future__ import annotations

import json

import jinja2
import pytest

from reports import tags
from reports.embed import pack, packed_json, unpack
from reports.ids import service_page_id

NASTY = ["orders", 'a<b>&"c\'', "ünïcode · x", "</script><script>alert(1)</script>", ""]

# The macros as the templates had them, rendered by jinja2 with the report's autoescaping.
MACROS = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
    '{% macro loc(path, line) %}<code class="loc">{{ path }}:{{ line }}</code>{% endmacro %}'
    '{% macro svc_link(name) %}<a class="svc-link" href="#{{ svc_id(name) }}">{{ name }}</a>{% endmacro %}'
    '{% macro svc_links(names) %}{% for name in names %}{{ svc_link(name) }}{% if not loop.last %}, '
    '{% endif %}{% else %}<span class="muted">—</span>{% endfor %}{% endmacro %}',
    globals={"svc_id": service_page_id},
).module


@pytest.mark.parametrize("text", NASTY)
def test_each_tag_writes_what_its_macro_wrote(text: str) -> None:
    assert tags.loc(text, 12) == MACROS.loc(text, 12)  # type: ignore[attr-defined]
    assert tags.svc_link(text) == MACROS.svc_link(text)  # type: ignore[attr-defined]
    assert "<script>" not in tags.svc_link(text)


def test_links_join_with_commas_and_none_is_a_dash() -> None:
    assert tags.svc_links(NASTY) == MACROS.svc_links(NASTY)  # type: ignore[attr-defined]
    assert tags.svc_links([]) == MACROS.svc_links([]) == '<span class="muted">—</span>'  # type: ignore[attr-defined]


def test_packed_json_is_the_stdlib_json_and_unpacks_to_the_value() -> None:
    value = {"b": [1, 2.5, 0.1, 1e16, True, None], "a": NASTY, "ctl": "\x01\u2028\t\n\\\"", "n": {"1": "x"}}
    assert packed_json(value) == json.dumps(value, sort_keys=True, separators=(",", ":"),
                                            ensure_ascii=False).encode("utf-8")
    assert unpack(pack(value)) == value
    assert unpack(pack(1e-05)) == 1e-05  # written 0.00001 (orjson), not 1e-05: the same number
