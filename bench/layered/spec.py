"""The seeded shape of a synthetic layered monolith: which models exist, in which domain and file.

A :class:`Layout` is all the generator decides with its random numbers; the renderers
(``render_models``, ``render_code``) turn it into source text without drawing any more of them
except through the same seeded ``random.Random``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

GOD_APP = "base"
CORE_DOMAINS = ("events", "catalog", "orders", "payments", "vouchers")
OPTIONAL_DOMAINS = ("checkin", "invoicing", "mail", "organizers")


@dataclass(frozen=True)
class ModelSpec:
    """One concrete model: its domain, its aggregate root (CASCADE) and its cross-domain references."""

    name: str
    domain: str
    parent: str | None = None
    refs: tuple[str, ...] = ()
    hub: bool = True


def _m(name: str, domain: str, parent: str | None = None, *refs: str, hub: bool = True) -> ModelSpec:
    return ModelSpec(name, domain, parent, tuple(refs), hub)


POOL: tuple[ModelSpec, ...] = (
    _m("Event", "events", None, "Organizer", hub=False),
    _m("SubEvent", "events", "Event", hub=False),
    _m("EventSetting", "events", "Event", hub=False),
    _m("EventMetaValue", "events", "Event", hub=False),
    _m("ItemCategory", "catalog"),
    _m("Item", "catalog", None, "ItemCategory", "TaxRule"),
    _m("ItemVariation", "catalog", "Item"),
    _m("ItemAddOn", "catalog", "Item"),
    _m("Question", "catalog"),
    _m("QuestionOption", "catalog", "Question"),
    _m("Quota", "catalog"),
    _m("TaxRule", "catalog"),
    _m("Order", "orders", None, "Organizer"),
    _m("OrderPosition", "orders", "Order", "Item", "ItemVariation", "Voucher", "SubEvent"),
    _m("OrderFee", "orders", "Order", "TaxRule"),
    _m("InvoiceAddress", "orders", "Order"),
    _m("QuestionAnswer", "orders", "OrderPosition", "Question"),
    _m("CartPosition", "orders", None, "Item", "Voucher"),
    _m("OrderPayment", "payments", None, "Order", hub=False),
    _m("OrderRefund", "payments", "OrderPayment", "Order", hub=False),
    _m("PaymentProviderSetting", "payments"),
    _m("Voucher", "vouchers", None, "Item", "Quota"),
    _m("VoucherBatch", "vouchers"),
    _m("Discount", "vouchers", None, "Item"),
    _m("CheckinList", "checkin", None, "Item"),
    _m("Checkin", "checkin", "CheckinList", "OrderPosition"),
    _m("Gate", "checkin"),
    _m("Device", "checkin", None, "Gate", "Organizer", hub=False),
    _m("Invoice", "invoicing", None, "Order"),
    _m("InvoiceLine", "invoicing", "Invoice", "Item"),
    _m("OutgoingMail", "mail", None, "Order"),
    _m("MailTemplate", "mail"),
    _m("Organizer", "organizers", hub=False),
    _m("Team", "organizers", "Organizer", hub=False),
    _m("TeamInvite", "organizers", "Team", hub=False),
)

# Which model files mix which domains (the first domain names the file), as in pretix's base/models.
FILE_NAMES = {
    "events": "event",
    "catalog": "items",
    "orders": "orders",
    "payments": "orders",
    "vouchers": "vouchers",
    "checkin": "checkin",
    "invoicing": "invoices",
    "mail": "mail",
    "organizers": "organizer",
}


@dataclass
class Layout:
    """What one seed decided: models, the app and model file of each, the domain apps."""

    seed: int
    models: list[ModelSpec]
    app_of: dict[str, str] = field(default_factory=dict)
    file_of: dict[str, str] = field(default_factory=dict)
    domain_apps: list[str] = field(default_factory=list)

    def label(self, name: str) -> str:
        """``app_label.Model`` of a model."""
        return f"{self.app_of[name]}.{name}"

    def by_domain(self, domain: str) -> list[ModelSpec]:
        """The models of one domain, in pool order."""
        return [m for m in self.models if m.domain == domain]

    @property
    def domains(self) -> list[str]:
        """Domains present, in pool order."""
        return list(dict.fromkeys(m.domain for m in self.models))

    def spec(self, name: str) -> ModelSpec:
        """The spec of a model by name."""
        return next(m for m in self.models if m.name == name)


def _choose_models(rng: random.Random) -> list[ModelSpec]:
    """Core domains always, two or three optional ones; roots always, children by chance."""
    optional = rng.sample(OPTIONAL_DOMAINS, rng.choice((2, 3)))
    domains = set(CORE_DOMAINS) | set(optional) | {"organizers"}
    chosen: list[ModelSpec] = []
    names: set[str] = set()
    for spec in POOL:
        if spec.domain not in domains or (spec.parent and spec.parent not in names):
            continue
        keep = spec.parent is None or spec.name in ("OrderPosition", "SubEvent") or rng.random() < 0.7
        if keep:
            chosen.append(spec)
            names.add(spec.name)
    return [
        ModelSpec(m.name, m.domain, m.parent, tuple(r for r in m.refs if r in names), m.hub) for m in chosen
    ]


def _place(layout: Layout, rng: random.Random) -> None:
    """God app for most domains, one optional domain in an app of its own; files mix domains."""
    optional = [d for d in layout.domains if d in ("checkin", "mail", "invoicing")]
    layout.domain_apps = [rng.choice(optional)] if optional and rng.random() < 0.8 else []
    files = dict(FILE_NAMES)
    if rng.random() < 0.5:
        files["vouchers"] = "items"  # vouchers written into the catalog's file
    for spec in layout.models:
        app = spec.domain if spec.domain in layout.domain_apps else GOD_APP
        layout.app_of[spec.name] = app
        layout.file_of[spec.name] = "models" if app != GOD_APP else f"models/{files[spec.domain]}"
    strays = [m for m in layout.models if layout.app_of[m.name] == GOD_APP and m.parent is None]
    for spec in rng.sample(strays, 2):  # a root model left in another domain's file
        other = sorted({f for n, f in layout.file_of.items() if layout.app_of[n] == GOD_APP})
        layout.file_of[spec.name] = rng.choice(other)


def make_layout(seed: int) -> Layout:
    """The layout of one seed; the same seed always gives the same layout."""
    rng = random.Random(seed)
    layout = Layout(seed=seed, models=_choose_models(rng))
    _place(layout, rng)
    return layout
