"""Signals, atomic blocks, tasks and management commands."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of


def test_receivers_connects_custom_signals_and_sends() -> None:
    facts = facts_of(
        """
        import django.dispatch
        from django.db.models import signals
        from django.dispatch import receiver
        from orders.models import Order

        paid = django.dispatch.Signal()

        @receiver([signals.post_save, signals.post_delete], sender=Order)
        def changed(sender, **kw):
            paid.send_robust(sender=Order)

        def handler(**kw):
            pass

        signals.pre_save.connect(handler, sender="orders.Order")
        """,
        module="orders.receivers",
    )
    receivers = {(r.signal, r.receiver, r.sender, r.kind) for r in facts.signal_receivers}
    assert receivers == {
        ("django.db.models.signals.post_save", "orders.receivers.changed", "orders.models.Order",
         "receiver"),
        ("django.db.models.signals.post_delete", "orders.receivers.changed",
         "orders.models.Order", "receiver"),
        ("django.db.models.signals.pre_save", "orders.receivers.handler", "orders.Order",
         "connect"),
    }
    assert [d.qualname for d in facts.signal_definitions] == ["orders.receivers.paid"]
    (send,) = facts.signal_sends
    assert (send.signal, send.scope) == ("orders.receivers.paid", "orders.receivers.changed")


def test_atomic_decorator_and_context_manager_with_writes_and_calls() -> None:
    facts = facts_of(
        """
        from django.db import transaction
        from django.db.transaction import atomic
        from orders.models import Order
        from stock import services

        @transaction.atomic
        def place():
            Order.objects.create()
            services.reserve()

        def cancel(order):
            Order.objects.all()
            with atomic(using="default"):
                Order.objects.filter(pk=1).delete()
        """
    )
    decorated, block = facts.atomic_blocks
    assert (decorated.kind, decorated.scope, decorated.models_written) == (
        "decorator", "shop.views.place", ("orders.models.Order",))
    assert "stock.services.reserve" in decorated.calls
    assert (block.kind, block.line, block.end_line) == ("with", 14, 15)
    assert block.models_written == ("orders.models.Order",)


def test_tasks_and_management_commands() -> None:
    facts = facts_of(
        """
        from celery import shared_task
        from django.core.management.base import BaseCommand
        from proj.celery import app

        @shared_task(bind=True)
        def a(self):
            pass

        @app.task
        def b():
            pass

        class Command(BaseCommand):
            pass
        """,
        module="orders.management.commands.close",
    )
    assert [(t.qualname, t.decorator) for t in facts.tasks] == [
        ("orders.management.commands.close.a", "celery.shared_task"),
        ("orders.management.commands.close.b", "proj.celery.app.task"),
    ]
    (command,) = facts.commands
    assert command.name == "close"
