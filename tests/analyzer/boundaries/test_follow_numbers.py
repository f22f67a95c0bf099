"""Table owners follow the renumbering of an absorption (owners recorded before it, read after)."""

from analyzer.boundaries.partition import follow_numbers


def test_owners_follow_a_cluster_that_was_absorbed_and_the_ones_renumbered_after_it() -> None:
    # cluster 1 (a data-less helper) is absorbed into 0, so cluster 2 becomes 1
    before = {"helpers.fmt": 1, "orders.Order": 0, "table:orders_order": 0,
              "payments.Payment": 2, "table:payments_payment": 2}
    after = {"helpers.fmt": 0, "orders.Order": 0, "table:orders_order": 0,
             "payments.Payment": 1, "table:payments_payment": 1}
    owners = {"table:orders_order": 0, "table:payments_payment": 2}
    assert follow_numbers(owners, before, after) == {"table:orders_order": 0, "table:payments_payment": 1}


def test_an_owner_is_followed_by_its_cluster_not_by_the_table_node() -> None:
    # the table is owned by the cluster that writes it (1), though its own node sits in 0
    before = {"a.A": 0, "table:a_a": 0, "b.B": 1, "b.views.f": 2}
    after = {"a.A": 0, "table:a_a": 0, "b.B": 1, "b.views.f": 1}
    assert follow_numbers({"table:a_a": 1}, before, after) == {"table:a_a": 1}
