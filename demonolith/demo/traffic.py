"""Realistic shop traffic: anonymous visitors browse, logged-in customers shop, check out and read
their orders, and every visitor also reads the routes being moved.

Traffic is a fixed budget of requests shared by a few threads (one per visitor). Each request is
sent once (no client retries) with a request id of the demo's own, so the proxy's access log tells
which upstream answered it. Logged-in visitors use the seeded user through the monolith's session
login; the first of them fills a cart and checks out, so the shop's data changes while it runs.
Tills (:mod:`demonolith.demo.writes`) record days' figures on a budget of their own, each write
noted in the traffic's ledger.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from demonolith.demo.http import Client, Response
from demonolith.demo.prepare import MovedRoute
from demonolith.demo.writes import TILL_PATH, Ledger, till_write

USERNAME, PASSWORD = "demo", "demo-pass-123"
RETRIED_STATUSES = frozenset({0, 502, 503, 504})  # no answer, or the upstream failed mid-request
TILL_RETRIES, TILL_RETRY_PAUSE = 3, 0.25  # a till's tries after such an answer, and the pause before each
_PARAM = re.compile(r"\{([A-Za-z_]\w*)\}")


@dataclass(frozen=True)
class Step:
    """One request of a visitor's script."""

    method: str
    path: str
    data: object = None  # JSON body for POST


@dataclass(frozen=True)
class Outcome:
    """What one request got."""

    request_id: str
    actor: str
    logged_in: bool
    method: str
    path: str
    route: str  # the moved route it matched, "" for the monolith's own routes
    status: int  # 0: no answer
    error: str = ""
    location: str = ""
    retried: bool = False  # a till's write sent again after no answer or a 502-504

    @property
    def failed(self) -> bool:
        """No answer, or a server error."""
        return self.status == 0 or self.status >= 500

    @property
    def auth_lost(self) -> bool:
        """A logged-in visitor treated as anonymous (401, or a redirect to the login page)."""
        return self.logged_in and (self.status == 401 or "/accounts/login/" in self.location)


@dataclass(frozen=True)
class Values:
    """Real identifiers of the seeded shop, to fill route parameters."""

    product_slugs: tuple[str, ...]
    skus: tuple[str, ...]
    category_slugs: tuple[str, ...]
    order_ids: tuple[str, ...]

    def for_parameter(self, name: str, pattern: str) -> tuple[str, ...]:
        """Values for ``{name}`` in ``pattern`` (empty when the demo knows none)."""
        if name == "slug":
            return self.category_slugs if "categor" in pattern else self.product_slugs
        return {"sku": self.skus, "order_id": self.order_ids, "id": self.order_ids}.get(name, ())


@dataclass(frozen=True)
class Load:
    """How much traffic: total requests and how many visitors of each kind."""

    requests: int = 300
    anonymous: int = 3
    sessions: int = 4  # logged-in visitors; the first one shops and checks out
    api_reads: int = 300  # extra anonymous API reads of the routes being moved (own budget)
    api_clients: int = 2
    writes: int = 0  # POSTs of the tills per stage (own budget)
    tills: int = 2


def collect_values(monolith_url: str) -> Values:
    """Read slugs, SKUs, categories and the demo user's orders straight from the monolith."""
    client = Client(monolith_url)
    products: list[dict[str, object]] = []
    for page in (1, 2, 3):
        body = client.get(f"/api/catalog/products/?page={page}").json()
        products += body.get("results", []) if isinstance(body, dict) else []
    categories = client.get("/api/catalog/categories/").json()
    client.post_json("/api/customers/login/", {"username": USERNAME, "password": PASSWORD})
    orders = client.get("/api/orders/").json()
    return Values(
        tuple(str(p["slug"]) for p in products), tuple(str(p["sku"]) for p in products),
        tuple(str(c["slug"]) for c in _results(categories)),
        tuple(str(o["id"]) for o in _results(orders)))


def _results(body: object) -> list[dict[str, object]]:
    results = body.get("results", []) if isinstance(body, dict) else []
    return [r for r in results if isinstance(r, dict)]


def probe_paths(routes: Sequence[MovedRoute], values: Values) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Concrete paths for the moved routes (a few per pattern), and the routes without values."""
    paths: list[str] = []
    unknown: list[str] = []
    for route in routes:
        names = _PARAM.findall(route.match_value) if route.match_key == "path_pattern" else []
        pools = [values.for_parameter(name, route.match_value) for name in names]
        if any(not pool for pool in pools):
            unknown.append(route.name)
            continue
        for i in range(3 if names else 1):
            path = route.match_value
            for name, pool in zip(names, pools, strict=True):
                path = path.replace("{" + name + "}", pool[(i * 7) % len(pool)], 1)
            paths.append(path.removesuffix("/*"))
    return tuple(paths), tuple(unknown)


class RouteMatcher:
    """Which moved route a path belongs to (the proxy's matching, for the demo's bookkeeping)."""

    def __init__(self, routes: Sequence[MovedRoute]) -> None:
        self.routes = tuple((route.name, _compile(route)) for route in routes)

    def route_of(self, path: str) -> str:
        """The moved route's name, or "" when ``path`` stays the monolith's."""
        bare = path.split("?", 1)[0]
        return next((name for name, regex in self.routes if regex.fullmatch(bare)), "")


def _compile(route: MovedRoute) -> re.Pattern[str]:
    if route.match_key == "path":
        return re.compile(re.escape(route.match_value))
    if route.match_key == "path_prefix":
        return re.compile(re.escape(route.match_value) + ".*")
    pattern, rest = route.match_value, ""
    if pattern.endswith("/*"):
        pattern, rest = pattern[:-2], "(?:/.*)?"
    parts = [re.escape(part) for part in _PARAM.split(pattern)]
    return re.compile("".join(p if i % 2 == 0 else "[^/]+" for i, p in enumerate(parts)) + rest)


def shopper_steps(i: int, values: Values, probes: Sequence[str]) -> list[Step]:
    """One round of the shopping customer: browse, add to cart, check out (every other round)."""
    sku, slug = values.skus[i % len(values.skus)], values.product_slugs[i % len(values.product_slugs)]
    steps = [Step("GET", f"/api/catalog/products/?page={i % 3 + 1}"),
             Step("GET", f"/api/catalog/products/{slug}/"),
             Step("POST", "/api/orders/cart/", {"sku": sku, "quantity": 1}),
             Step("GET", "/api/orders/cart/")]
    if i % 2 == 0:
        steps.append(Step("POST", "/api/orders/checkout/", {"payment_token": "tok_visa"}))
    steps += [Step("GET", "/api/orders/"), Step("GET", "/orders/history/")]
    if values.order_ids:
        steps.append(Step("GET", f"/api/orders/{values.order_ids[i % len(values.order_ids)]}/"))
    return steps + _probes(i, probes, 2)


def reader_steps(i: int, values: Values, probes: Sequence[str]) -> list[Step]:
    """One round of a logged-in customer who reads: account, orders, history, notifications."""
    slug = values.product_slugs[(i * 3) % len(values.product_slugs)]
    return [Step("GET", "/api/customers/me/"), Step("GET", "/api/orders/"),
            Step("GET", "/orders/history/"), Step("GET", "/api/notifications/"),
            Step("GET", f"/catalog/{slug}/"), *_probes(i, probes, 3)]


def visitor_steps(i: int, values: Values, probes: Sequence[str]) -> list[Step]:
    """One round of an anonymous visitor: catalog pages and the API."""
    slug = values.product_slugs[(i * 5) % len(values.product_slugs)]
    return [Step("GET", "/catalog/"), Step("GET", f"/catalog/{slug}/"),
            Step("GET", "/api/catalog/categories/"), Step("GET", f"/api/catalog/products/?page={i % 3 + 1}"),
            *_probes(i, probes, 4)]


def api_steps(i: int, values: Values, probes: Sequence[str]) -> list[Step]:
    """One round of an anonymous API client reading the routes being moved."""
    return _probes(i, probes, 4)


def _probes(i: int, probes: Sequence[str], count: int) -> list[Step]:
    if not probes:
        return []
    return [Step("GET", probes[(i * count + k) % len(probes)]) for k in range(count)]


class Budget:
    """A shared, thread-safe count of the requests still to send (spent at once when ``stop`` is set)."""

    def __init__(self, total: int, stop: threading.Event | None = None) -> None:
        self.left, self._lock, self.stop = total, threading.Lock(), stop

    def take(self) -> bool:
        """Take one request from the budget; False when it is spent or the stage was stopped."""
        if self.stop is not None and self.stop.is_set():
            return False
        with self._lock:
            self.left -= 1
            return self.left >= 0


@dataclass(frozen=True)
class Traffic:
    """Everything a stage's traffic needs: where to send, what to read, how much."""

    base_url: str
    values: Values
    probes: tuple[str, ...]
    matcher: RouteMatcher
    load: Load
    label: str
    focus: tuple[str, ...] = ()  # what the API clients read; all probes when empty
    ledger: Ledger = field(default_factory=Ledger)  # the tills' writes, across every stage


def drive(traffic: Traffic, sink: list[Outcome] | None = None,
          stop: threading.Event | None = None) -> tuple[Outcome, ...]:
    """Send the stage's traffic from all visitors at once; outcomes in sending order per visitor.

    ``sink`` (when given) receives outcomes as they arrive, for a caller that watches progress;
    once ``stop`` is set no more requests are sent.
    """
    outcomes: list[Outcome] = sink if sink is not None else []
    shop, api = Budget(traffic.load.requests, stop), Budget(traffic.load.api_reads, stop)
    tills = Budget(traffic.load.writes, stop)
    ids = itertools.count(1)
    actors = [(f"shopper-{n}", True, shop) for n in range(traffic.load.sessions)]
    actors += [(f"visitor-{n}", False, shop) for n in range(traffic.load.anonymous)]
    actors += [(f"api-client-{n}", False, api) for n in range(traffic.load.api_clients)]
    threads = [threading.Thread(target=_run_actor, args=(traffic, name, logged_in, budget, ids, outcomes),
                                name=f"demo-{name}", daemon=True)
               for name, logged_in, budget in actors]
    threads += [threading.Thread(target=_run_till, args=(traffic, n, tills, ids, outcomes),
                                 name=f"demo-till-{n}", daemon=True)
                for n in range(traffic.load.tills if traffic.load.writes else 0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tuple(outcomes)


def _run_actor(traffic: Traffic, actor: str, logged_in: bool, budget: Budget,
               ids: itertools.count[int], outcomes: list[Outcome]) -> None:
    client = Client(traffic.base_url)
    steps_for = visitor_steps
    probes = traffic.probes
    if actor.startswith("api-client"):
        steps_for, probes = api_steps, traffic.focus or traffic.probes
    if logged_in:
        if not budget.take():
            return
        login = Step("POST", "/api/customers/login/", {"username": USERNAME, "password": PASSWORD})
        outcomes.append(_send(traffic, client, actor, False, login, next(ids)))
        steps_for = shopper_steps if actor == "shopper-0" else reader_steps
    for i in itertools.count():
        for step in steps_for(i, traffic.values, probes):
            if not budget.take():
                return
            outcomes.append(_send(traffic, client, actor, logged_in, step, next(ids)))


def _run_till(traffic: Traffic, till: int, budget: Budget, ids: itertools.count[int],
              outcomes: list[Outcome]) -> None:
    client = Client(traffic.base_url)
    while budget.take():
        figures = till_write(till, traffic.load.tills, traffic.ledger.next_write(till))
        step = Step("POST", TILL_PATH, figures.body())
        outcome = _send(traffic, client, f"till-{till}", False, step, next(ids))
        traffic.ledger.record(figures, outcome.status)
        for _ in range(TILL_RETRIES):  # the write is idempotent (by day): a till sends it again
            if outcome.status not in RETRIED_STATUSES:
                break
            time.sleep(TILL_RETRY_PAUSE)
            outcome = replace(_send(traffic, client, f"till-{till}", False, step, next(ids)), retried=True)
            traffic.ledger.record(figures, outcome.status)
        outcomes.append(outcome)


def _send(traffic: Traffic, client: Client, actor: str, logged_in: bool, step: Step, n: int) -> Outcome:
    request_id = f"demo-{traffic.label}-{n}"
    headers = {"X-Request-ID": request_id, "Accept": "application/json, text/html"}
    response: Response = (client.post_json(step.path, step.data, headers) if step.method == "POST"
                          else client.get(step.path, headers))
    return Outcome(request_id, actor, logged_in, step.method, step.path,
                   traffic.matcher.route_of(step.path), response.status, response.error,
                   response.header("Location"))
