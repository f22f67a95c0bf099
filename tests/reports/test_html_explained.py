"""The analyzer's explanations in the HTML page: the models page, service pages, the overview."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from reports.html import render_html
from tests.reports.fakes import HOSTILE, explained_analysis, fake_renderer
from tests.reports.test_html import ids_of


@pytest.fixture()
def html() -> str:
    return render_html(explained_analysis(), fake_renderer).html


def page(html: str, page_id: str) -> str:
    """The markup of one page: from its section to the next page's."""
    start = html.index(f'id="{page_id}"')
    end = html.find('<section class="page', start)
    return html[start:end if end > 0 else len(html)]


def row(html: str, row_id: str) -> str:
    start = html.index(f'<tr id="{row_id}"')
    return html[start:html.index("</tr>", start)]


def test_the_models_page_gives_every_model_its_reason_and_lines(html: str) -> None:
    models = page(html, "models")
    assert models.count("<tr id=\"model-") == 4
    line = row(models, "model-orders.OrderLine")
    assert ("orders.OrderLine is here because it is a CASCADE child of orders.Order "
            "(orders/models.py:15).") in line
    assert "<code>orders.Order</code>" in line  # its aggregate column
    assert 'data-filters="model-table"' in models and 'class="list sortable" id="model-table"' in models


def test_a_service_page_lists_its_aggregates_and_each_models_ties(html: str) -> None:
    orders = page(html, "svc-orders")
    assert "2 aggregates" in orders
    assert '<a href="#model-orders.Order"><code>orders.Order</code></a> <span class="muted">with</span> ' \
           "<code>orders.OrderLine</code>" in orders
    review = row(orders, "svc-orders-model-catalog.Review")
    assert '<span class="badge moved">away from its app</span>' in review
    assert "orders.views.checkout writes it <code class=\"loc\">orders/views.py:14</code>" in review
    assert "an ORM read ties it to orders.Order" in review


def test_the_overview_explains_hubs_moved_models_and_split_modules(html: str) -> None:
    overview = page(html, "overview")
    notable = overview[overview.index('id="why-models"'):overview.index('id="split-modules"')]
    assert re.findall(r'<a href="#model-([^"]+)">', notable) == ["catalog.Product", "catalog.Review"]
    assert '<span class="badge hub">hub</span>' in notable
    assert ("orders.views is split over 2 services (catalog, orders): its parts serve different "
            "data") in overview


def test_every_link_to_a_model_reaches_its_row(html: str) -> None:
    ids = set(ids_of(html))
    targets = set(re.findall(r'href="#(model-[^"]+)"', html))
    assert targets and targets <= ids, targets - ids


def test_explanations_are_escaped() -> None:
    html = render_html(explained_analysis(reason_text=f"its parts {HOSTILE}"), fake_renderer).html
    assert HOSTILE not in html and "its parts &lt;script&gt;" in html


def test_without_explanations_the_models_page_says_how_to_get_them() -> None:
    bare = replace(explained_analysis(), model_placements=(), module_splits=())
    html = render_html(bare, fake_renderer).html
    assert "re-run <code>demonolith analyze</code>" in page(html, "models")
    assert 'id="why-models"' not in html and 'id="split-modules"' not in html


def test_the_overview_explains_a_bounded_number_of_models() -> None:
    analysis = explained_analysis()
    hub = next(p for p in analysis.model_placements if p.label == "catalog.Product")
    many = tuple(replace(hub, label=f"catalog.Hub{i:02}") for i in range(40))
    html = render_html(replace(analysis, model_placements=(*analysis.model_placements, *many)),
                       fake_renderer).html
    overview = page(html, "overview")
    notable = overview[overview.index('id="why-models"'):overview.index('id="split-modules"')]
    assert notable.count('<a href="#model-') == 25
    assert '<a href="#models">…and 17 more on the models page</a>' in notable


def test_a_service_page_lists_the_modules_it_shares_and_why_each_part_is_where_it_is(html: str) -> None:
    for here, other in (("orders", "catalog"), ("catalog", "orders")):
        service = page(html, f"svc-{here}")
        table = service[service.index('id="svc-' + here + '-section-splits"'):]
        table = table[:table.index("</table>")]
        assert "<code>orders.views</code>" in table and f'href="#svc-{other}"' in table
        assert f'href="#svc-{here}"' not in table  # "also in": the other services only
        assert "1 to orders (they write orders.Order); 1 to catalog (they write catalog.Product)" in table
    orders = page(html, "svc-orders")
    module = orders[orders.index('id="svc-orders-module-orders.views"'):]
    assert 'class="badge split"' in module[:module.index("</li>")]
    assert 'href="#svc-orders-module-orders.views"' in orders  # the split list links to the module


def test_a_service_without_split_modules_has_no_such_section() -> None:
    html = render_html(replace(explained_analysis(), module_splits=()), fake_renderer).html
    assert "section-splits" not in html and 'class="badge split"' not in html
