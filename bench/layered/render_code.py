"""Source text of the synthetic monolith's code: services, the checkout, layer apps, settings."""

from __future__ import annotations

import random

from bench.layered.render_models import snake
from bench.layered.spec import GOD_APP, Layout, ModelSpec

LAYERS = ("control", "presale", "api")
CHECKOUT_WRITES = ("Order", "OrderPosition", "OrderPayment", "Voucher", "CartPosition")


def article(name: str) -> str:
    """``an Order``, ``a Voucher``."""
    return f"{'an' if name[0] in 'AEIOU' else 'a'} {name}"


def models_import(layout: Layout, names: list[str]) -> list[str]:
    """``from <app>.models import A, B`` lines for the given models, one per app."""
    by_app: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        by_app.setdefault(layout.app_of[name], []).append(name)
    return [f"from {app}.models import {', '.join(ns)}" for app, ns in sorted(by_app.items())]


def _create(spec: ModelSpec) -> str:
    """The create helper; a part of an aggregate is added through its root, which it touches."""
    var, name = snake(spec.name), spec.name
    owner = "event=event, " if spec.hub else ""
    if spec.parent is None:
        return (
            f"def create_{var}(event, **data):\n"
            f'    """Create {article(name)} and log it."""\n'
            f"    obj = {name}.objects.create({owner}**data)\n"
        )
    root = snake(spec.parent)
    return (
        f"def create_{var}(event, {root}_id, **data):\n"
        f'    """Add {article(name)} to its {spec.parent}, whose modification time follows."""\n'
        f"    obj = {name}.objects.create({owner}{root}_id={root}_id, **data)\n"
        f"    {spec.parent}.objects.filter(pk={root}_id).update(modified=timezone.now())\n"
    )


def _service_functions(spec: ModelSpec) -> str:
    """Create/update/delete helpers of one model: ORM writes of its own domain."""
    var, name = snake(spec.name), spec.name
    return (
        _create(spec) + f'    obj.log_action("{var}.created", data=data)\n    return obj\n\n\n'
        f"def update_{var}(obj, **data):\n"
        f'    """Change fields of {article(name)}."""\n'
        f"    for key, value in data.items():\n        setattr(obj, key, value)\n"
        f"    obj.save()\n    return obj\n\n\n"
        f"def delete_{var}(pk):\n"
        f'    """Delete {article(name)} by id."""\n'
        f"    {name}.objects.filter(pk=pk).delete()\n"
    )


def _noise(layout: Layout, domain: str, rng: random.Random) -> tuple[list[str], str]:
    """A cross-domain read and a call into another domain's services (the monolith's tangle)."""
    others = [d for d in layout.domains if d != domain]
    picked = rng.sample(others, min(2, len(others)))
    read = rng.choice(layout.by_domain(picked[0]))
    callee = rng.choice(layout.by_domain(picked[1]))
    imports = [read.name, "Event", f"from {GOD_APP}.services import {picked[1]} as {picked[1]}_services"]
    text = (
        f"def sync_{domain}_with_{picked[0]}(event):\n"
        f'    """Touch {picked[0]} and {picked[1]} when {domain} changes (noise)."""\n'
        f"    rows = list({read.name}.objects.filter(pk__in=[1, 2, 3]))\n"
        f"    if rows:\n"
        f"        {picked[1]}_services.update_{snake(callee.name)}(rows[0], modified=None)\n"
        f"    return Event.objects.filter(pk=event.pk).exists()\n"
    )
    return imports, text


def service_module(layout: Layout, domain: str, rng: random.Random) -> str:
    """``base/services/<domain>.py``: the domain's writes plus one noisy cross-domain function."""
    specs = layout.by_domain(domain)
    noise_imports, noise = _noise(layout, domain, rng)
    names = [s.name for s in specs] + noise_imports[:2]
    imports = [*models_import(layout, names), noise_imports[2]]
    body = "\n\n".join([_service_functions(s) for s in specs] + [noise])
    header = f'"""Services of the {domain} domain."""\n\nfrom django.utils import timezone\n\n'
    return header + "\n".join(imports) + "\n\n\n" + body


def checkout_module(layout: Layout) -> str:
    """The cross-domain checkout: one ``transaction.atomic`` writing orders, payments, vouchers."""
    return (
        '"""Checkout: turns a cart into an order, a payment and redeemed vouchers in one transaction."""\n\n'
        "from django.db import transaction\nfrom django.db.models import F\n\n"
        + "\n".join(models_import(layout, [*CHECKOUT_WRITES, "Item", "Quota"]))
        + "\n\n\n"
        "def perform_checkout(event, cart_id, provider):\n"
        '    """Place the order for every cart position of ``cart_id``."""\n'
        "    positions = list(CartPosition.objects.filter(event=event, cart_id=cart_id)\n"
        '                     .select_related("item"))\n'
        "    with transaction.atomic():\n"
        "        order = Order.objects.create(event=event, code=cart_id[:16])\n"
        "        for cp in positions:\n"
        "            OrderPosition.objects.create(order=order, item=cp.item, price=cp.price)\n"
        "            if cp.voucher_id:\n"
        '                Voucher.objects.filter(pk=cp.voucher_id).update(position=F("position") + 1)\n'
        "        OrderPayment.objects.create(order=order, comment=provider)\n"
        "        CartPosition.objects.filter(cart_id=cart_id).delete()\n"
        "    Quota.objects.filter(event=event).exists()\n"
        "    return order\n"
    )


def logging_module() -> str:
    """``base/services/logging.py``: the audit helper every model calls."""
    return (
        '"""Audit log helper."""\n\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\n'
        "def write_log(obj, action, user=None, data=None):\n"
        '    """Write an audit line for ``obj``."""\n'
        '    logger.info("%s %s %s %s", type(obj).__name__, obj.pk, action, user)\n'
    )
