"""The HTML page rendered from small Analysis objects, without disk and without graphviz."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from analyzer.model.analysis import Analysis, CountScore, TableUsage, Violation
from reports.embed import unpack
from reports.html import compile_templates, render_html
from reports.views import expand_violation_records, violation_records
from tests.helpers.small_analysis import small_analysis
from tests.reports.fakes import HOSTILE, fake_renderer, hostile_analysis

PAGES = ("overview", "svc-catalog", "svc-orders", "models", "data", "violations", "plan", "target",
         "warnings")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [value for name, value in attrs if name == "id" and value]


def ids_of(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


@pytest.fixture()
def html(analysis: Analysis) -> str:
    return render_html(analysis, fake_renderer).html


def packed(html: str, element: str) -> object:
    """The data the page unpacks from the script element ``element``."""
    raw = html[html.index(f'id="{element}" data-packed="deflate-base64">'):]
    return unpack(raw[raw.index(">") + 1:raw.index("</script>")])


def records_of(html: str) -> list[dict[str, Any]]:
    """The violation records as the page reads them."""
    found = packed(html, "violations-data")
    assert isinstance(found, dict)
    return expand_violation_records(found)


def violation(html: str, vid: str) -> dict[str, Any]:
    return next(r for r in records_of(html) if r["id"] == vid)


def test_every_page_is_there_once_and_ids_are_unique(html: str) -> None:
    ids = ids_of(html)
    for page in PAGES:
        assert page in ids
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]


def test_pictures_come_from_the_injected_renderer(html: str) -> None:
    assert html.count('class="graph-svg"') == 4  # two maps (strongest, all) and one inside graph per service
    assert "fake 2 nodes" in html  # the service map: two services


def test_without_graphviz_the_dot_text_and_the_install_line_are_shown(analysis: Analysis) -> None:
    html = render_html(analysis, None).html
    assert 'class="graph-svg"' not in html
    assert "&#34;orders&#34; -&gt; &#34;catalog&#34;" in html
    assert "sudo apt-get install graphviz" in html
    assert "was not found" in html


def test_a_violation_carries_its_location_source_lines_and_remedy(html: str) -> None:
    entry = violation(html, "V-cross-service-fk-0001")
    assert (entry["i"], entry["p"], entry["l"]) == ("v-V-cross-service-fk-0001", "orders/models.py", 6)
    lines = entry["c"]
    assert isinstance(lines, list) and isinstance(entry["n"], int)
    assert lines[6 - entry["n"]].startswith("    product = models.ForeignKey(")
    assert lines[4 - entry["n"]] == "class Order(models.Model):"
    assert "read products via catalog's API" in str(entry["r"])


def test_source_lines_shared_by_violations_are_stored_once_and_an_unsafe_id_keeps_its_element_id(
        analysis: Analysis) -> None:
    def crossing(vid: str, line: int, start: int) -> Violation:
        text = tuple(f"line {n}" for n in range(start, start + 5))
        return Violation(vid, "cross-service-fk", "shop/models.py", line, "orders", ("catalog",),
                         f"subject {vid}", "fix", snippet=text, snippet_start=start)

    many = replace(analysis, violations=(crossing("V-a", 12, 10), crossing("V-b", 14, 12),
                                         crossing("V c/d", 30, 28)))
    data = violation_records(many)
    assert isinstance(data, dict)
    runs = data["f"]["shop/models.py"]
    assert [(start, len(texts)) for start, texts in runs] == [(10, 7), (28, 5)]  # lines 12-14 once
    expanded = {r["id"]: r for r in expand_violation_records(data)}
    assert expanded["V-b"]["c"] == [f"line {n}" for n in range(12, 17)] and expanded["V-b"]["n"] == 12
    assert expanded["V-a"]["i"] == "v-V-a" and "i" not in data["v"][0]
    assert expanded["V c/d"]["i"].startswith("v-V_c_d-")  # the hashed id is carried as it is


def test_a_distributed_transaction_carries_its_saga(html: str) -> None:
    entry = violation(html, "V-distributed-transaction-0002")
    assert "decrement stock" in str(entry["g"]) and "restore stock" in str(entry["g"])
    assert "c" not in entry  # no source lines: the page says so


def test_user_text_is_escaped_everywhere() -> None:
    html = render_html(hostile_analysis(), fake_renderer).html
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    entries = packed(html, "search-index")
    assert isinstance(entries, list) and any(HOSTILE in e["n"] for e in entries)  # data, never markup
    assert html.count("<script") == 5  # the class toggle, three packed data, the page's code


def test_nothing_is_loaded_from_anywhere(html: str) -> None:
    assert " src=" not in html and "<link rel=\"stylesheet\"" not in html
    urls = re.findall(r'(?:href|xlink:href|action)="([^"]*)"', html)
    assert urls and all(u.startswith("#") or u == "data:," for u in urls), urls
    assert "@import" not in html and "url(" not in html


def test_search_index_finds_everything_and_points_at_real_elements(html: str) -> None:
    entries = packed(html, "search-index")
    assert isinstance(entries, list)
    found = {(e["k"], e["n"], e["s"]) for e in entries}
    assert {("model", "orders.Order", "orders"), ("table", "catalog_product", "catalog"),
            ("route", "/api/orders/checkout/", "orders"), ("module", "catalog.views", "catalog"),
            ("service", "orders", "orders")} <= found
    ids = set(ids_of(html)) | {r["i"] for r in records_of(html)}  # violations are drawn from their records
    assert all(e["t"] in ids for e in entries), [e for e in entries if e["t"] not in ids]


def test_ownership_table_and_grid_mark_owner_readers_and_writers(html: str) -> None:
    row = html[html.index('id="table-catalog_product"'):]
    row = row[:row.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert 'href="#svc-catalog"' in cells[1] and 'href="#svc-orders"' in cells[2] + cells[3]
    grid = html[html.index('data-table="catalog_product"'):]
    assert re.findall(r'class="cell ([A-Za-z]*)"', grid[:grid.index("</tr>")]) == ["owner", "RW"]


def test_the_grid_is_left_out_when_the_services_do_not_fit(analysis: Analysis) -> None:
    many = tuple(replace(analysis.services[0], name=f"s{n:02d}", models=(), tables=(), routes=())
                 for n in range(13))
    html = render_html(replace(analysis, services=(*analysis.services, *many)), fake_renderer).html
    assert 'class="matrix"' not in html and "do not fit a screen" in html
    assert 'id="ownership"' in html


def test_target_architecture_maps_each_service(html: str) -> None:
    page = html[html.index('id="target"'):]
    assert "Amazon API Gateway" in page and "Azure Container Apps" in page
    assert "SQLite does not scale out" in page  # database for the sqlite3 engine
    assert "AWS Step Functions" in page  # both services take part in the checkout saga


def test_metrics_chart_and_score_curve(analysis: Analysis) -> None:
    scored = Analysis(**{**analysis.__dict__, "count_scores": (
        CountScore(2, 0.5, 0.3), CountScore(3, 0.4, 0.35), CountScore(4, 0.2, 0.1))})
    html = render_html(scored, fake_renderer).html
    assert 'class="chart metrics-chart"' in html
    assert html.count('class="bar-proposal"') == 10  # the legend and nine metrics
    assert 'class="line-score"' in html and "chosen: 2" in html


def test_the_curve_marks_its_own_choice_when_splits_and_folds_move_the_count(analysis: Analysis) -> None:
    final = len(analysis.services)
    curve = tuple(CountScore(final + n, 0.5 - n / 10, 0.3) for n in (1, 2, 3))  # the count lies past it
    scored = replace(analysis, count_scores=curve, count_curve_choice=final + 2)
    html = render_html(scored, fake_renderer).html
    assert 'class="chosen"' in html
    assert f"chosen: {final + 2}, {final} after splits and folds" in html


def test_plan_steps_are_in_order(html: str) -> None:
    page = html[html.index('id="plan"'):]
    assert page.index("Extract <a class=\"svc-link\" href=\"#svc-catalog\">") < page.index(
        "Extract <a class=\"svc-link\" href=\"#svc-orders\">")
    assert 'href="#v-V-distributed-transaction-0002"' in page
    assert "effort S · " in page and "points" in page  # sized in points, not a bare letter


def test_a_framework_table_says_so_and_why_its_owner_owns_it(analysis: Analysis) -> None:
    usage = TableUsage("auth_user", "orders", None, ("catalog",), framework="django.contrib.auth",
                       reason="no project code writes it; its models relate to it: orders.Order.buyer")
    html = render_html(replace(analysis, tables=(*analysis.tables, usage)), fake_renderer).html
    row = html[html.index('id="table-auth_user"'):]
    row = row[:row.index("</tr>")]
    assert "Django's own (django.contrib.auth)" in row and "orders.Order.buyer" in row
    grid = html[html.index('data-table="auth_user"'):]
    assert re.findall(r'class="cell ([A-Za-z]*)"', grid[:grid.index("</tr>")]) == ["R", "owner"]


def test_the_comparison_with_the_previous_run_agrees_in_number(analysis: Analysis) -> None:
    catalog, *others = analysis.services
    assert catalog.models
    earlier = replace(catalog, models=(*catalog.models[1:], "gone.A", "gone.B"))
    previous = replace(analysis, services=(earlier, *others))
    text = re.sub(r"\s+", " ", render_html(analysis, fake_renderer, previous=previous).html)
    assert "0 moved, 1 is new, 2 are gone." in text


def test_compiled_templates_kept_between_runs_render_the_same_page(tmp_path: Path) -> None:
    analysis = small_analysis()
    plain = render_html(analysis, fake_renderer).html
    assert render_html(analysis, fake_renderer, bytecode_dir=tmp_path / "t").html == plain
    assert any((tmp_path / "t").iterdir())  # the compiled templates were kept
    assert render_html(analysis, fake_renderer, bytecode_dir=tmp_path / "t").html == plain


def test_templates_compiled_ahead_are_only_loaded_by_the_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    analysis = small_analysis()
    plain = render_html(analysis, fake_renderer).html
    compile_templates(tmp_path / "t")

    def no_compiling(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a template compiled again although compile_templates kept it")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert render_html(analysis, fake_renderer, bytecode_dir=tmp_path / "t").html == plain


def test_graphviz_draws_while_the_page_data_is_gathered(analysis: Analysis,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import reports.html

    gathered, overlapped = threading.Event(), []
    value = reports.html.PageData.value

    def gathering(self: reports.html.PageData, name: str) -> Any:
        found = value(self, name)
        gathered.set()
        return found

    def waiting_renderer(dot: str) -> str:  # drawn before the data is gathered: waits for it
        overlapped.append(gathered.wait(timeout=5))
        return fake_renderer(dot)

    monkeypatch.setattr(reports.html.PageData, "value", gathering)
    page = render_html(analysis, waiting_renderer)
    assert overlapped and all(overlapped)
    assert page.html == render_html(analysis, fake_renderer).html


def test_a_large_drawing_is_embedded_packed_and_a_small_one_inline(analysis: Analysis) -> None:
    from reports.html import PACKED_PICTURE_MIN

    def large_renderer(dot: str) -> str:
        svg = fake_renderer(dot)
        padding = "<g>" + " " * PACKED_PICTURE_MIN + "</g>" if "svc-orders" in dot or "orders" in dot else ""
        return svg.replace("</svg>", f"{padding}</svg>")

    page = render_html(analysis, large_renderer)
    packed_ones = {key for key, picture in page.pictures.items() if picture.packed is not None}
    assert packed_ones and packed_ones != set(page.pictures)
    for key in packed_ones:
        svg = page.pictures[key].svg
        assert svg is not None and len(svg) > PACKED_PICTURE_MIN
        assert unpack(page.pictures[key].packed or "") == svg
        assert f'data-packed-svg="{page.pictures[key].packed}"' in page.html and svg not in page.html
    small = next(p for key, p in page.pictures.items() if key not in packed_ones)
    assert small.svg is not None and small.svg in page.html
