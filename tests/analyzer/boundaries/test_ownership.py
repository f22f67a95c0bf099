"""Table ownership: one owner per table, the model's service unless another writes clearly more."""

from __future__ import annotations

from analyzer.boundaries.ownership import assign_owners, table_users
from analyzer.boundaries.partition import canonical_id
from tests.analyzer.graphs import GraphBuilder


def _shop() -> GraphBuilder:
    b = GraphBuilder().model("catalog.models.Product").function("catalog.views.edit")
    b.function("reviews.receivers.update_rating").function("stock.jobs.sync")
    b.edge("catalog.views.edit", "catalog.models.Product", "orm-write")
    b.edge("reviews.receivers.update_rating", "catalog.models.Product", "orm-write")
    b.table("legacy_prices").edge("stock.jobs.sync", "table:legacy_prices", "sql-write")
    return b


def test_the_model_service_keeps_its_table_against_an_occasional_writer() -> None:
    graph = _shop().graph
    placement = {
        "catalog.models.Product": 0,
        "catalog.views.edit": 0,
        "reviews.receivers.update_rating": 1,
        "stock.jobs.sync": 2,
        "table:legacy_prices": 2,
    }
    moved, owners = assign_owners(graph, placement, lambda n: canonical_id(graph, n), {})
    assert owners == {"table:catalog_product": 0, "table:legacy_prices": 2}
    assert moved == placement
    place = {**{u: str(c) for u, c in placement.items()}, **{t: str(c) for t, c in owners.items()}}
    assert table_users(graph, "table:catalog_product", place.get) == ((), ("0", "1"))


def test_a_table_written_mostly_elsewhere_moves_with_its_model_unless_pinned() -> None:
    b = _shop().edge("reviews.receivers.update_rating", "catalog.models.Product", "orm-write", times=6)
    graph = b.graph
    placement = {"catalog.models.Product": 0, "catalog.views.edit": 0, "reviews.receivers.update_rating": 1}
    moved, owners = assign_owners(graph, placement, lambda n: canonical_id(graph, n), {})
    assert owners["table:catalog_product"] == 1 and moved["catalog.models.Product"] == 1
    pinned = {"catalog.models.Product": "catalog"}
    _, owners = assign_owners(graph, placement, lambda n: canonical_id(graph, n), pinned)
    assert owners["table:catalog_product"] == 0


def _unwritten_user_table(related: bool = True) -> GraphBuilder:
    b = GraphBuilder().model("customers.models.Customer").function("reporting.queries.top_customers")
    b.table("auth_user", (("customers.models.Customer", "customers.Customer.user"),) if related else ())
    return b.edge("reporting.queries.top_customers", "table:auth_user", "sql-join", times=3)


def test_a_table_nobody_writes_goes_to_the_models_relating_to_it_not_to_its_reader() -> None:
    graph = _unwritten_user_table().graph
    placement = {"customers.models.Customer": 0, "reporting.queries.top_customers": 1, "table:auth_user": 1}
    moved, owners = assign_owners(graph, placement, lambda n: canonical_id(graph, n), {})
    assert owners["table:auth_user"] == 0 and moved["table:auth_user"] == 0


def test_a_table_nobody_writes_nor_relates_to_goes_to_its_main_reader_and_a_pin_holds() -> None:
    graph = _unwritten_user_table(related=False).graph
    placement = {"customers.models.Customer": 0, "reporting.queries.top_customers": 1, "table:auth_user": 0}
    moved, owners = assign_owners(graph, placement, lambda n: canonical_id(graph, n), {})
    assert owners["table:auth_user"] == 1 and moved["table:auth_user"] == 1
    pinned = {"table:auth_user": "customers"}
    _, owners = assign_owners(graph, placement, lambda n: canonical_id(graph, n), pinned)
    assert owners["table:auth_user"] == 0


def _ticket_aggregate(writes_of_cc: int) -> GraphBuilder:
    b = GraphBuilder().model("desk.models.Ticket").model("desk.models.TicketCC")
    b.function("desk.views.edit").function("queues.jobs.escalate")
    b.edge("desk.views.edit", "desk.models.Ticket", "orm-write")
    b.edge("desk.views.edit", "desk.models.TicketCC", "orm-write", times=3)
    b.edge("queues.jobs.escalate", "desk.models.Ticket", "orm-write", times=7)  # alone, enough to take it
    return b.edge("queues.jobs.escalate", "desk.models.TicketCC", "orm-write", times=writes_of_cc)


def test_an_aggregate_moves_whole_or_not_at_all() -> None:
    placement = {"desk.models.Ticket": 0, "desk.models.TicketCC": 0, "desk.views.edit": 0,
                 "queues.jobs.escalate": 1}
    aggregate = [("desk.models.TicketCC", "desk.models.Ticket")]
    graph = _ticket_aggregate(writes_of_cc=0).graph
    moved, owners = assign_owners(graph, placement, lambda n: canonical_id(graph, n), {},
                                  aggregates=aggregate)
    assert moved["desk.models.Ticket"] == moved["desk.models.TicketCC"] == 0  # the root alone is not taken
    moved, _ = assign_owners(graph, placement, lambda n: canonical_id(graph, n), {})
    assert moved["desk.models.Ticket"] == 1  # without the aggregate, the root's writes alone would move it
    assert owners["table:desk_ticket"] == owners["table:desk_ticketcc"] == 0
    graph = _ticket_aggregate(writes_of_cc=6).graph
    moved, owners = assign_owners(graph, placement, lambda n: canonical_id(graph, n), {},
                                  aggregates=aggregate)
    assert moved["desk.models.Ticket"] == moved["desk.models.TicketCC"] == 1  # the whole is written there
    assert owners["table:desk_ticket"] == owners["table:desk_ticketcc"] == 1
