"""Source text of the layer apps (control, presale, api), the URLconfs, settings and app configs."""

from __future__ import annotations

import random

from bench.layered.render_code import models_import
from bench.layered.render_models import snake
from bench.layered.spec import GOD_APP, Layout


def _view(layout: Layout, name: str, domain: str) -> str:
    var = snake(name)
    return (
        f"def {var}_list(request, event):\n"
        f'    """Back-office list of {name} rows of one event."""\n'
        f"    event = get_object_or_404(Event, slug=event)\n"
        f'    rows = {name}.objects.filter(pk__gt=0).order_by("id")\n'
        f'    return render(request, "control/{var}_list.html", {{"event": event, "rows": rows}})\n\n\n'
        f"def {var}_edit(request, event, pk):\n"
        f'    """Back-office edit form of one {name}."""\n'
        f"    obj = get_object_or_404({name}, pk=pk)\n"
        f'    if request.method == "POST":\n'
        f"        {domain}_services.update_{var}(obj, **request.POST.dict())\n"
        f'    return render(request, "control/{var}_edit.html", {{"obj": obj}})\n'
    )


def control_views(layout: Layout, domain: str, rng: random.Random) -> str:
    """``control/views/<domain>.py``: list/edit views of the domain, plus a cross-domain peek."""
    specs = layout.by_domain(domain)
    peek = rng.choice([m for m in layout.models if m.domain != domain])
    imports = [
        "from django.shortcuts import get_object_or_404, render",
        "",
        *models_import(layout, [*(s.name for s in specs), "Event", peek.name]),
        f"from {GOD_APP}.services import {domain} as {domain}_services",
    ]
    views = [_view(layout, s.name, domain) for s in specs]
    views.append(
        f"def {domain}_dashboard(request, event):\n"
        f'    """Overview, with a number from {peek.domain} (noise)."""\n'
        f"    count = {peek.name}.objects.count()\n"
        f'    return render(request, "control/dashboard.html", {{"count": count}})\n'
    )
    return f'"""Back office: {domain}."""\n\n' + "\n".join(imports) + "\n\n\n" + "\n\n".join(views)


def control_urls(layout: Layout) -> str:
    """``control/urls.py``: every control view under ``event/<slug:event>/``."""
    lines = ['"""Back-office routes."""\n', "from django.urls import path\n"]
    lines += [f"from control.views import {d}" for d in layout.domains]
    lines += ["", "urlpatterns = ["]
    for domain in layout.domains:
        for spec in layout.by_domain(domain):
            var = snake(spec.name)
            lines.append(f'    path("event/<slug:event>/{var}/", {domain}.{var}_list),')
            lines.append(f'    path("event/<slug:event>/{var}/<int:pk>/", {domain}.{var}_edit),')
        lines.append(f'    path("event/<slug:event>/{domain}/", {domain}.{domain}_dashboard),')
    return "\n".join([*lines, "]", ""])


def presale_views(layout: Layout) -> str:
    """``presale/views.py``: the shop front: event page, cart, checkout."""
    return (
        '"""Shop front: event index, add to cart, checkout."""\n\n'
        "from django.shortcuts import get_object_or_404, redirect, render\n\n"
        + "\n".join(models_import(layout, ["Event", "Item", "ItemCategory", "CartPosition", "Voucher"]))
        + f"\nfrom {GOD_APP}.services.checkout import perform_checkout\n\n\n"
        "def index(request, event):\n"
        '    """The event page with its products."""\n'
        "    event = get_object_or_404(Event, slug=event)\n"
        '    items = Item.objects.filter(event=event).select_related("item_category")\n'
        "    categories = ItemCategory.objects.filter(event=event)\n"
        '    return render(request, "presale/index.html", {"items": items, "categories": categories})\n\n\n'
        "def add_to_cart(request, event):\n"
        '    """Put a product (and a voucher) into the cart."""\n'
        "    event = get_object_or_404(Event, slug=event)\n"
        '    item = get_object_or_404(Item, pk=request.POST["item"])\n'
        '    voucher = Voucher.objects.filter(code=request.POST.get("voucher")).first()\n'
        "    CartPosition.objects.create(event=event, item=item, voucher=voucher)\n"
        '    return redirect("presale:index", event=event.slug)\n\n\n'
        "def checkout(request, event):\n"
        '    """Place the order."""\n'
        "    event = get_object_or_404(Event, slug=event)\n"
        '    order = perform_checkout(event, request.session.session_key, request.POST.get("provider"))\n'
        '    return render(request, "presale/done.html", {"order": order})\n'
    )


def presale_urls() -> str:
    """``presale/urls.py``."""
    return (
        '"""Shop front routes."""\n\nfrom django.urls import path\n\nfrom presale import views\n\n'
        'app_name = "presale"\n\nurlpatterns = [\n'
        '    path("<slug:event>/", views.index, name="index"),\n'
        '    path("<slug:event>/cart/add/", views.add_to_cart, name="cart.add"),\n'
        '    path("<slug:event>/checkout/", views.checkout, name="checkout"),\n]\n'
    )
