"""Test helpers of the generated suite: build rows of any model, validate JSON against a schema."""

import datetime
import decimal
import itertools
import uuid
from collections.abc import Iterator
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields import AutoFieldMixin
from django.http import HttpRequest, HttpResponseForbidden
from django.utils import timezone

try:
    from re import _parser as regex_parser  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as regex_parser  # type: ignore[no-redef]

_counter = itertools.count(1)
CSRF_REFUSED = "CSRF verification failed"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int) -> str:
    text = ""
    while True:
        n, digit = divmod(n, 36)
        text = _DIGITS[digit] + text
        if not n:
            return text


def csrf_refused(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    """The CSRF failure view of the generated tests: 403 naming the middleware's reason."""
    return HttpResponseForbidden(f"{CSRF_REFUSED}: {reason}".encode())


def _value(field: models.Field, n: int, unique: bool) -> Any:  # type: ignore[type-arg]  # noqa: C901
    kind = field.get_internal_type()
    if field.choices:  # the first one the field accepts: a leading ``(None, "Normal")`` is blank
        values = [value for value, _ in field.flatchoices]
        return next((v for v in values if field.blank or v not in field.empty_values), values[0])
    if kind in ("CharField", "SlugField", "TextField", "FilePathField"):
        text = f"v{n}"
        if field.max_length and len(text) > field.max_length:  # a short key (a country code): n in base 36
            text = _base36(n).rjust(field.max_length, "0")[-field.max_length:]
        return text
    if kind == "EmailField":
        return f"user{n}@example.com"
    if kind == "URLField":
        return f"https://example.com/{n}"
    if kind in ("GenericIPAddressField", "IPAddressField"):
        return "127.0.0.1"
    if kind == "BooleanField":
        return False
    if kind == "DecimalField":
        return decimal.Decimal("1.00")
    if kind == "FloatField":
        return 1.5
    if kind == "DateTimeField":
        return timezone.now() - datetime.timedelta(seconds=n)
    if kind == "DateField":
        return datetime.date(2024, 1, 1) + datetime.timedelta(days=n)
    if kind == "TimeField":
        return datetime.time(12, 0)
    if kind == "DurationField":
        return datetime.timedelta(seconds=n)
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind == "SearchVectorField":  # django.contrib.postgres: an empty tsvector, not an integer
        return ""
    if kind == "JSONField":
        return {"n": n}  # not empty: an empty value is blank
    if kind == "BinaryField":
        return b"x"
    if isinstance(field, models.ImageField) and (field.width_field or field.height_field):
        return ""  # its dimensions are read from the stored file whenever a row loads: no file
    if isinstance(field, models.FileField):  # ImageField too: a stored name, not a number
        return f"files/{n}.txt"
    return n if field.unique or unique else 1  # integers: 1 satisfies most range checks


def _sample(item: tuple[Any, Any]) -> str:
    """The shortest text one parsed regular-expression item matches, taking each first choice."""
    op, arg = str(item[0]), item[1]
    if op == "LITERAL":
        return chr(arg)
    if op == "RANGE":
        return chr(arg[0])
    if op == "IN":  # a negated set: a letter, checked by the caller's clean()
        return "a" if str(arg[0][0]) == "NEGATE" else _sample(arg[0])
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return "".join(_sample(sub) for sub in arg[2]) * arg[0]
    if op == "SUBPATTERN":
        return "".join(_sample(sub) for sub in arg[-1])
    if op == "BRANCH":
        return "".join(_sample(sub) for sub in arg[1][0])
    if op == "CATEGORY":
        return {"CATEGORY_DIGIT": "0", "CATEGORY_SPACE": " "}.get(str(arg), "a")
    return "a" if op == "ANY" else ""  # anchors and look-arounds match no text


def _validator_values(field: models.Field, n: int) -> Iterator[Any]:  # type: ignore[type-arg]
    """Values the field's validators suggest: text a regex accepts, a length or value limit."""
    for validator in field.validators:
        if isinstance(validator, validators.EmailValidator):  # EmailField: internally a CharField
            yield f"user{n}@example.com"
        elif isinstance(validator, validators.URLValidator):  # before RegexValidator, its base
            yield f"https://example.com/{n}"
        elif isinstance(validator, validators.RegexValidator) and not validator.inverse_match:
            yield "".join(_sample(item) for item in regex_parser.parse(validator.regex.pattern))
        elif isinstance(validator, validators.MinLengthValidator):
            yield "v" * validator.limit_value
        elif isinstance(validator, validators.MinValueValidator | validators.MaxValueValidator):
            yield validator.limit_value() if callable(validator.limit_value) else validator.limit_value


def _unique_together(model: type[models.Model]) -> set[str]:
    """The names of the fields in the model's ``unique_together`` and unique constraints."""
    groups = [*model._meta.unique_together, *(c.fields for c in model._meta.constraints
                                               if isinstance(c, models.UniqueConstraint))]
    return {name for group in groups for name in group}


def _distinct(values: list[Any], n: int) -> list[Any]:
    """``values`` and, for text, variants carrying ``n`` (a unique field's rows must differ)."""
    letters = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[int(d, 26)] for d in _base26(n))
    texts = [v for v in values if isinstance(v, str)]
    return [f"{t}{end}" for end in (str(n), letters, letters.lower()) for t in texts] + values


def _base26(n: int) -> str:
    digits = "0123456789abcdefghijklmnop"
    text = ""
    while True:
        n, rest = divmod(n, 26)
        text = digits[rest] + text
        if not n:
            return text


def _fitting(field: models.Field, n: int, unique: bool) -> Any:  # type: ignore[type-arg]
    """A value the field's own validation accepts (blank, choices, max_length, validators): the
    plain value of its type, else one its validators suggest (varied by ``n`` when ``unique``). A
    field holding a value of its own (its class has ``from_db_value``: pretix's ``MultiStringField``,
    a list in a text column) gets the value as it cleans it: its column takes only that."""
    plain = _value(field, n, unique)
    suggested = list(_validator_values(field, n))
    own = hasattr(type(field), "from_db_value")
    for value in (plain, *(_distinct(suggested, n) if unique or field.unique else suggested)):
        try:
            cleaned = field.clean(value, None)
        except Exception:  # noqa: BLE001 - a refusal, or a validator that cannot run here
            continue
        return cleaned if own else value
    return plain


def _refused_default(field: models.Field) -> bool:  # type: ignore[type-arg]
    """An empty default on a field that may not be blank (``JSONField(default=dict)``): the API's
    validation refuses a row holding it, so the tests give a value."""
    return not field.blank and field.get_default() in field.empty_values


def _required(model: type[models.Model], using: str, given: dict[str, Any],
              every: bool = False) -> dict[str, Any]:
    """Values for the required fields not in ``given`` (``every``: the optional ones too, but those
    with a default); a relation's value is its saved row."""
    n, together = next(_counter), _unique_together(model)
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, AutoFieldMixin) or field.attname in given or field.name in given:
            continue
        if field.is_relation:
            target = field.related_model
            if (field.null and field.blank and not every) or target is model:
                continue
            values[field.name] = make_instance(target, using)
        elif (field.has_default() and not _refused_default(field)) or getattr(field, "auto_now", False) \
                or getattr(field, "auto_now_add", False):
            continue
        elif field.null and field.blank and not every:  # null without blank: full_clean() refuses None
            values[field.attname] = None
        else:
            values[field.attname] = _fitting(field, n, bool({field.name, field.attname} & together))
    return values


def instance_values(model: type[models.Model], using: str = "default", **given: Any) -> dict[str, Any]:
    """Plausible values, by attribute name, for every required field of ``model`` not in ``given``.

    Rows of related models of this service are created on ``using`` and referenced by their key.
    """
    values = {}
    for name, value in _required(model, using, given).items():
        if isinstance(value, models.Model):
            field = model._meta.get_field(name)
            name, value = field.attname, getattr(value, field.target_field.attname)
        values[name] = value
    return {**values, **given}


def full_instance_values(model: type[models.Model], using: str = "default") -> dict[str, Any]:
    """``instance_values`` with every optional field given too (but those with a default): for a
    model whose ``save()`` refuses a row holding only the required ones."""
    values = {}
    for name, value in _required(model, using, {}, every=True).items():
        if isinstance(value, models.Model):
            field = model._meta.get_field(name)
            name, value = field.attname, getattr(value, field.target_field.attname)
        values[name] = value
    return values


def make_instance(model: type[models.Model], using: str = "default", **values: Any) -> models.Model:
    """Create a row of ``model`` with plausible values for every required field, inserted as the
    data copy does (``bulk_create``: the model's ``save()`` does not run, so behaviour that needs
    another service, a stub that raises, is not reached); related rows are assigned as objects."""
    instance = model(**{**_required(model, using, values), **values})
    manager = model._base_manager.using(using)
    if model._meta.parents:  # multi-table inheritance: bulk_create cannot insert the parent rows
        instance.save_base(using=using, force_insert=True)
        return instance
    return manager.bulk_create([instance])[0]


_JSON_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
               "boolean": bool, "null": type(None)}


def validate(value: Any, schema: dict[str, Any], document: dict[str, Any], where: str = "$") -> None:
    """Raise AssertionError when ``value`` does not match ``schema`` (the subset the API uses)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return validate(value, document["components"]["schemas"][name], document, where)
    if "const" in schema:
        assert value == schema["const"], f"{where}: expected {schema['const']!r}, got {value!r}"
    types = schema.get("type")
    if types is not None:
        allowed = types if isinstance(types, list) else [types]
        ok = any(isinstance(value, _JSON_TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
                 for t in allowed)
        assert ok, f"{where}: expected {allowed}, got {type(value).__name__} {value!r}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key!r}"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                validate(value[key], sub, document, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            validate(item, schema["items"], document, f"{where}[{index}]")
    return None
