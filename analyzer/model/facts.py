"""The facts domain: what one file says (``ModuleFacts``) and what the project says (``ProjectFacts``).

Every fact is a frozen dataclass carrying ``path`` (relative to the analysed root, POSIX
separators) and ``line``, and ``scope``: the qualified name of the function, method or class
that encloses it (the module name at module level), so the graph can attach it to its unit.
Qualified names are resolved through each module's imports (``django.db.models.ForeignKey``);
a name static analysis cannot resolve is kept as written and flagged ``resolved=False``.
Models are named by label, ``"app_label.ModelName"``, as Django does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Self

from analyzer.model.json_form import from_json, to_json

FACTS_SCHEMA_VERSION = 19


class JsonMixin:
    """Adds ``to_json()`` and ``from_json()`` to a fact, through the generic converter."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        """This fact as a JSON-ready dict (fields in declaration order)."""
        result = to_json(self)
        assert isinstance(result, dict)
        return result

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        """Rebuild a fact from :meth:`to_json` output; raises AnalysisFileError on bad input."""
        return from_json(cls, data)


@dataclass(frozen=True)
class SourceWarning(JsonMixin):
    """A file, or a part of one, that could not be read; the analysis went on without it."""

    path: str
    line: int
    code: str  # short machine-readable kind: decode, syntax, nul-bytes, sql, too-large, ...
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ImportFact(JsonMixin):
    """``import a.b as c`` / ``from .x import y``: ``local`` names ``target`` inside ``scope``."""

    scope: str
    local: str  # name bound in the module ("*" for a star import)
    target: str  # absolute qualified name imported
    level: int  # 0 absolute, >0 relative
    path: str
    line: int


@dataclass(frozen=True)
class Definition(JsonMixin):
    """A class, function or method, with its bases and decorators as qualified names."""

    qualname: str
    kind: str  # class | function | method
    bases: tuple[str, ...]
    decorators: tuple[str, ...]
    path: str
    line: int
    end_line: int
    # ``method_decorator(X, name="m")``: (method name, X's qualified name); name "" for the def itself
    method_decorators: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reference(JsonMixin):
    """``scope`` calls or names ``target``; repeated uses in one scope are counted, first line kept."""

    scope: str
    target: str
    kind: str  # call | ref
    resolved: bool
    count: int
    path: str
    line: int


@dataclass(frozen=True)
class FieldFact(JsonMixin):
    """A model field; for relations ``target`` is as written, resolved to a label by the project."""

    name: str
    field_type: str  # qualified name of the field class
    relation: str | None  # fk | o2o | m2m | generic (a GenericForeignKey: no target) | None
    target: str | None  # "app.Model", "Model", "self", a qualname, or "settings.AUTH_USER_MODEL"
    through: str | None
    related_name: str | None
    line: int
    column: str | None = None  # db column: "customer_id" for a ForeignKey "customer"
    target_label: str | None = None  # resolved by the project pass: "app_label.Model"
    through_label: str | None = None
    m2m_table: str | None = None  # auto-created join table of a ManyToManyField
    inherited_from: str | None = None  # abstract parent label the field comes from
    on_delete: str | None = None  # fk, o2o: the on_delete rule's name ("CASCADE", "PROTECT", ...)
    null: bool = False  # fk, o2o: ``null=True``, the related object is optional


@dataclass(frozen=True)
class ModelCandidate(JsonMixin):
    """A class whose body looks like a Django model; the project pass decides whether it is one."""

    qualname: str
    name: str
    module: str
    bases: tuple[str, ...]
    fields: tuple[FieldFact, ...]
    managers: tuple[str, ...]
    db_table: str | None
    app_label: str | None
    abstract: bool
    proxy: bool
    path: str
    line: int
    end_line: int
    managed: bool = True  # False for ``Meta.managed = False``: Django creates no table for it
    meta_keys: tuple[str, ...] = ()  # the Meta options the class body sets itself
    meta_inherits: bool = False  # no Meta of its own, or ``class Meta(Base.Meta)``: bases' apply


@dataclass(frozen=True)
class OrmQuery(JsonMixin):
    """One ORM use: ``Model.objects.filter(a__b=1).update(...)`` or ``instance.save()``."""

    scope: str
    model: str  # qualified name at file level, "app_label.Model" after the project pass
    manager: str  # objects, a custom manager, or "instance"
    methods: tuple[str, ...]  # the chain, outermost last
    access: str  # read | write
    lookups: tuple[str, ...]  # "customer__email", select_related/prefetch paths, F/Q paths
    path: str
    line: int
    related: tuple[str, ...] = ()  # models the lookups traverse, labels (project pass)


@dataclass(frozen=True)
class UrlPattern(JsonMixin):
    """``path``/``re_path``/``url``/``include`` call; ``container`` is the list or function holding it."""

    module: str
    container: str  # "urlpatterns", another module-level name, or the enclosing function qualname
    kind: str  # path | re_path | url | include | router
    route: str
    view: str | None  # qualified view name (function, class, viewset)
    view_kind: str  # function | class | viewset | include | unknown
    include: str | None  # included module, or "module.name" of a list / router
    namespace: str | None
    name: str | None
    path: str
    line: int
    wrappers: tuple[str, ...] = ()  # decorators applied in place: login_required(View.as_view())
    regex: bool = False  # a re_path()/url() (a regex, searched in the rest of the path), include or not


@dataclass(frozen=True)
class UrlHelper(JsonMixin):
    """A function or method whose URL patterns depend on its parameters: ``def pat(regex, view):
    return re_path(regex, view)``. Its ``patterns`` hold ``{?arg:N:NAME}`` markers (or a parameter
    as view); each call, in any module, is one set of patterns (the project pass expands them)."""

    function: str  # qualified name
    parameters: tuple[str, ...]  # positional, ``self``/``cls`` left out
    patterns: tuple[UrlPattern, ...]


@dataclass(frozen=True)
class UrlArgument(JsonMixin):
    """One argument of a :class:`UrlCall`: the route text it folds to and the view it names."""

    position: int  # -1 when passed by keyword
    keyword: str  # "" when passed by position
    text: str | None  # route text (analyzer.facts.route_text), None when not string-like
    view: str | None  # qualified name (``V.as_view()`` -> ``V``), a dotted string, or a parameter


@dataclass(frozen=True)
class UrlCall(JsonMixin):
    """A call the module pass cannot tell builds URL patterns (a function of another module, a
    class); the project pass expands it when its target is a :class:`UrlHelper` or a subclass of
    Django's ``URLPattern``."""

    target: str  # qualified through the imports
    container: str  # the URL list or function the patterns would join
    arguments: tuple[UrlArgument, ...]
    parameters: tuple[str, ...]  # of the calling function: it may build patterns from them in turn
    path: str
    line: int


@dataclass(frozen=True)
class CollectorShortcut(JsonMixin):
    """A method of a :class:`UrlCollector` that mounts a namespace and adds one pattern to it from
    its own parameters: ``def single(self, route, name, parent, view): self.mount(route, name,
    parent); self.add(":".join((parent, name)), path("", view, name="index"))``."""

    method: str
    parameters: tuple[str, ...]  # positional, ``self`` left out
    mounted: tuple[str, ...]  # the parameters it passes to ``mount``, in order
    key: tuple[str, ...]  # the parameters whose ``":".join`` is the namespace path it adds to
    kind: str  # path | re_path | url
    route: str  # the pattern's route (a literal)
    view: str  # the parameter giving the pattern's view
    name: str | None  # the pattern's name


@dataclass(frozen=True)
class UrlCollector(JsonMixin):
    """A class whose instances collect URL patterns by Django namespace and build the URL list
    from them (:mod:`analyzer.facts.url_collectors`): ``mount(route, namespace, parent)`` records
    a namespace, ``add(key, *patterns)`` patterns for the namespace path ``key``; a method mounts
    each namespace as ``path(route, include((..., namespace), namespace=namespace))``."""

    klass: str  # qualified
    mount: str  # method names
    mount_parameters: tuple[str, ...]  # positional, ``self`` left out
    route: str  # parameter names of ``mount``
    namespace: str
    parent: str  # "" when every namespace is mounted at the top
    add: str
    add_parameters: tuple[str, ...]
    key: str  # the parameter of ``add`` naming the namespace path
    methods: tuple[str, ...]  # every method of the class, sorted
    builders: tuple[str, ...]  # the methods mounting the namespaces (their patterns are no routes)
    path: str
    line: int
    shortcuts: tuple[CollectorShortcut, ...] = ()


@dataclass(frozen=True)
class CollectorCall(JsonMixin):
    """``R.M(...)`` in a function that passes URL patterns to a method of the same receiver ``R``
    (a parameter or a module-level name): a call a :class:`UrlCollector` may record."""

    function: str  # qualified name of the calling function
    receiver: str
    method: str
    arguments: tuple[UrlArgument, ...]  # the route text of each argument that is no pattern
    patterns: tuple[int, ...]  # lines of the URL patterns passed
    path: str
    line: int


@dataclass(frozen=True)
class ObjectMount(JsonMixin):
    """``for item in self.L: path(f"{item.A}/", include((item.M(), item.N), namespace=item.N))`` in
    a method (:mod:`analyzer.facts.url_objects`): each object the registry holds mounts its
    ``M`` there; the objects are those the functions registered for ``hooks`` return."""

    container: str  # the method (its list holds the template pattern)
    item: str  # the loop's variable
    method: str
    namespace: str  # the item's attribute naming the namespace ("" for none)
    hooks: tuple[str, ...]  # the hooks the class reads with ``get_hooks("H")``
    path: str
    line: int  # of the ``path()`` call


@dataclass(frozen=True)
class ObjectFact(JsonMixin):
    """An object a registry may hold: a module-level ``NAME = CLASS(...)``, or what a function
    registered for hook ``H`` returns (``return CLASS(...)``, ``return NAME``, a list of them)."""

    holder: str  # "module.NAME" or "hook:H"
    klass: str  # qualified; "" for a returned name
    alias: str  # the qualified name returned; "" for an object built there
    arguments: tuple[UrlArgument, ...]
    path: str
    line: int


@dataclass(frozen=True)
class RegistryEntry(JsonMixin):
    """One key of a class-body dict of dotted paths, ``provides = {"front_urls": ["a.urls:urlpatterns"]}``:
    the paths as written (``__name__`` folded to the module); the project pass decides what they
    name (:mod:`analyzer.resolve.provides`)."""

    owner: str  # the class's qualified name
    attribute: str
    key: str
    values: tuple[str, ...]
    path: str
    line: int


@dataclass(frozen=True)
class ConfigMount(JsonMixin):
    """A method of an app config class that adds one pattern to another module's URL list,
    ``root += (re_path(r"^{}".format(top), include((import_string(f"{self.name}.urls.urlpatterns"),
    ns))),)`` (:mod:`analyzer.facts.config_mounts`): one per way through its branches, each with
    the tests that way takes (``guards``); ``self.X`` stands as ``{?ref:CLASS.X}`` in the texts, so
    the project pass gives each installed config its own pattern."""

    klass: str  # the class whose method it is, qualified
    method: str  # the method's qualified name
    entry: bool  # the method is ``ready`` or the class's own ``ready`` calls it on ``self``
    target: str  # the URL list it adds to, qualified as imported ("project.urls.urlpatterns")
    kind: str  # path | re_path | url
    route: str  # route text
    include: str  # route text of the dotted path of the included list
    namespace: str | None  # route text of the tuple's app name (the include's namespace)
    guards: tuple[str, ...]  # "truthy:REF", "falsy:REF", "none:REF", "some:REF" (REF qualified)
    path: str
    line: int


@dataclass(frozen=True)
class SignalReceiver(JsonMixin):
    """``@receiver(signal, sender=...)`` or ``signal.connect(handler, sender=...)``."""

    signal: str
    receiver: str
    sender: str | None  # qualname at file level, "app_label.Model" after the project pass
    kind: str  # receiver | connect
    scope: str
    path: str
    line: int


@dataclass(frozen=True)
class SignalDefinition(JsonMixin):
    """A custom signal: ``order_paid = Signal()``."""

    qualname: str
    path: str
    line: int


@dataclass(frozen=True)
class SignalSend(JsonMixin):
    """``signal.send(sender=...)`` / ``send_robust``."""

    signal: str
    sender: str | None
    scope: str
    path: str
    line: int


@dataclass(frozen=True)
class AtomicBlock(JsonMixin):
    """A ``transaction.atomic`` block (``with`` or decorator) and what runs inside it."""

    scope: str
    kind: str  # with | decorator
    models_written: tuple[str, ...]  # direct writes; the project pass adds those one call deep
    calls: tuple[str, ...]
    sql_tables_written: tuple[str, ...]
    path: str
    line: int
    end_line: int
    models_written_via_calls: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskFact(JsonMixin):
    """A background task function (Celery ``shared_task``/``app.task``, dramatiq, huey, rq...)."""

    qualname: str
    decorator: str
    path: str
    line: int


@dataclass(frozen=True)
class CommandFact(JsonMixin):
    """A Django management command: ``<app>/management/commands/<name>.py`` class ``Command``."""

    name: str
    qualname: str
    path: str
    line: int


@dataclass(frozen=True)
class SqlSite(JsonMixin):
    """Raw SQL reaching the database, parsed with sqlglot into the tables it touches."""

    scope: str
    origin: str  # execute | executemany | raw | RawSQL | extra | RunSQL | sql-file
    sql: str  # the text parsed, placeholders in place of expressions
    partial: bool  # built with f-string / % / + / .format from non-constant parts
    parsed: bool
    tables_read: tuple[str, ...]
    tables_written: tuple[str, ...]
    joins: tuple[tuple[str, str], ...]
    path: str
    line: int
    sql_file: str | None = None  # the .sql file whose text this is, when code loads one (path:line)
    tables_dropped: tuple[str, ...] = ()  # DROP TABLE / DROP VIEW: also in tables_written


@dataclass(frozen=True)
class SqlFileLoad(JsonMixin):
    """Code naming a ``.sql`` file it loads: ``load_sql("daily_sales")``, ``open("q.sql")``."""

    scope: str
    name: str  # the literal as written ("daily_sales", "sql/daily_sales.sql")
    path: str
    line: int


@dataclass(frozen=True)
class SqlSink(JsonMixin):
    """A function running SQL it is given: ``def run_sql(sql): cursor.execute(sql)``."""

    function: str  # qualified name
    position: int  # of the parameter, ``self``/``cls`` not counted
    parameter: str
    origin: str  # execute | executemany | raw | RawSQL | RunSQL


@dataclass(frozen=True)
class SqlHelperCall(JsonMixin):
    """SQL text passed to a function of another module; an SQL site if the project pass finds
    that function to be a :class:`SqlSink` (``site`` is parsed at the call, origin "helper")."""

    target: str  # the called function, qualified through the imports
    position: int  # of the argument, -1 when passed by keyword
    keyword: str  # "" when passed by position
    site: SqlSite


@dataclass(frozen=True)
class ModuleFacts(JsonMixin):
    """Everything one source file says, from :func:`analyzer.facts.extract_module_facts`."""

    path: str
    module: str
    is_package: bool
    lines: int
    imports: tuple[ImportFact, ...] = ()
    definitions: tuple[Definition, ...] = ()
    references: tuple[Reference, ...] = ()
    model_candidates: tuple[ModelCandidate, ...] = ()
    orm: tuple[OrmQuery, ...] = ()
    url_patterns: tuple[UrlPattern, ...] = ()
    url_namespace: str | None = None
    signal_receivers: tuple[SignalReceiver, ...] = ()
    signal_definitions: tuple[SignalDefinition, ...] = ()
    signal_sends: tuple[SignalSend, ...] = ()
    atomic_blocks: tuple[AtomicBlock, ...] = ()
    tasks: tuple[TaskFact, ...] = ()
    commands: tuple[CommandFact, ...] = ()
    sql: tuple[SqlSite, ...] = ()
    warnings: tuple[SourceWarning, ...] = ()
    all_names: tuple[str, ...] | None = None  # the module's literal ``__all__``, when it has one
    sql_file_loads: tuple[SqlFileLoad, ...] = ()
    access_guards: tuple[str, ...] = ()  # functions whose body turns anonymous users away
    sql_sinks: tuple[SqlSink, ...] = ()
    sql_helper_calls: tuple[SqlHelperCall, ...] = ()
    # module-level string constants as route text (analyzer.facts.route_text), for other modules
    constants: tuple[tuple[str, str], ...] = ()
    deleted_models: tuple[str, ...] = ()  # ``migrations.DeleteModel(name)`` in a migration, sorted
    url_helpers: tuple[UrlHelper, ...] = ()
    url_calls: tuple[UrlCall, ...] = ()
    url_collectors: tuple[UrlCollector, ...] = ()
    collector_calls: tuple[CollectorCall, ...] = ()
    object_mounts: tuple[ObjectMount, ...] = ()
    objects: tuple[ObjectFact, ...] = ()
    registry_entries: tuple[RegistryEntry, ...] = ()
    config_mounts: tuple[ConfigMount, ...] = ()
    # names bound to None, True or False, as "None" / "True" / "False": module-level ``NAME``,
    # class attributes ``CLASS.ATTR`` (as in ``constants``), ``NAME.value`` of a declared setting
    literals: tuple[tuple[str, str], ...] = ()
    ready_supers: tuple[str, ...] = ()  # classes whose own ``ready()`` calls ``super().ready()``
    passthrough: tuple[str, ...] = ()  # functions returning their first parameter as given


@dataclass(frozen=True)
class SettingsFacts(JsonMixin):
    """The Django settings module, read statically (never imported)."""

    module: str | None
    path: str | None
    installed_apps: tuple[str, ...]
    database_engine: str | None
    sql_dialect: str | None
    auth_user_model: str
    root_urlconf: str | None


@dataclass(frozen=True)
class AppFact(JsonMixin):
    """A project Django app: its label, dotted name and directory."""

    label: str
    name: str
    path: str


@dataclass(frozen=True)
class ModelFact(JsonMixin):
    """A Django model after the project pass: label, table, relations resolved, inheritance."""

    name: str
    label: str  # "app_label.Name"
    qualname: str
    module: str
    app_label: str
    db_table: str
    abstract: bool
    proxy: bool
    parents: tuple[str, ...]  # concrete model parents (multi-table inheritance), labels
    abstract_parents: tuple[str, ...]
    fields: tuple[FieldFact, ...]
    managers: tuple[str, ...]
    path: str
    line: int
    end_line: int
    managed: bool = True  # False for ``Meta.managed = False`` (the table exists, Django leaves it be)


@dataclass(frozen=True)
class RouteFact(JsonMixin):
    """A URL route after following ``include`` chains from the root URLconf."""

    route: str  # full route as Django would match it ("orders/<int:pk>/")
    view: str | None
    view_kind: str
    name: str | None  # namespaced name ("orders:detail")
    urlconf: str  # module that declares the last pattern
    reachable: bool  # False when no root URLconf includes it (route is then the local pattern)
    path: str
    line: int
    wrappers: tuple[str, ...] = ()  # decorators applied in the URLconf, outermost first
    login_required: bool = False  # the view turns anonymous users away (see analyzer.resolve.route_access)
    # the parts static analysis cannot know, as written (``settings.URL_PREFIX``); each stands in
    # ``route`` as ``{text}``; empty when the route is fully known
    unresolved: tuple[str, ...] = ()
    # why ``route`` is not the exact pattern of the whole path (then it is as Django shows it,
    # ``ResolverMatch.route``); empty when it is (see analyzer.resolve.route_join)
    inexact: str = ""


# Django's converters whose value reaches the view converted (an int, a UUID): a regex route keeps
# them as Django shows them, ``<int:pk>``, each standing for its group (``route_regex``)
CONVERTING = {"int": "[0-9]+", "uuid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"}
_KEPT_CONVERTER = re.compile(r"(?<!\(\?P)<(int|uuid):([A-Za-z_]\w*)>")


def route_regex(route: str) -> str:
    """The regex a regex route (``^/...``) is matched with: each ``<int:x>`` / ``<uuid:x>`` it keeps
    from a ``path()`` include as its group, ``(?P<x>[0-9]+)``."""
    return _KEPT_CONVERTER.sub(lambda m: f"(?P<{m[2]}>{CONVERTING[m[1]]})", route)


def full_route(route: str) -> str:
    """A route as the analysis names it: a ``path()`` route with its leading ``/``, a regex route
    (the whole path's regex) as it is, from ``^/``."""
    return route if route.startswith("^") else "/" + route.lstrip("/")


@dataclass(frozen=True)
class ProjectFacts(JsonMixin):
    """All facts of a project: per-module facts plus the project-level resolution."""

    schema_version: int
    tool_version: str
    settings: SettingsFacts
    apps: tuple[AppFact, ...]
    models: tuple[ModelFact, ...]
    routes: tuple[RouteFact, ...]
    orm: tuple[OrmQuery, ...]
    signals: tuple[SignalReceiver, ...]
    atomic_blocks: tuple[AtomicBlock, ...]
    tasks: tuple[TaskFact, ...]
    commands: tuple[CommandFact, ...]
    sql: tuple[SqlSite, ...]
    modules: tuple[ModuleFacts, ...]
    warnings: tuple[SourceWarning, ...]
    files: int = 0
    lines: int = 0
