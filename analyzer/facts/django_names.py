"""Qualified names by which Django (and friends) are recognised, after import resolution.

Django re-exports most names from several modules (``django.db.models.ForeignKey`` is also
``django.db.models.fields.related.ForeignKey``); :func:`canonical_django` folds the aliases.
"""

from __future__ import annotations

_ALIAS_PREFIXES = (
    ("django.db.models.fields.related.", "django.db.models."),
    ("django.db.models.fields.", "django.db.models."),
    ("django.db.models.base.", "django.db.models."),
    ("django.db.models.manager.", "django.db.models."),
    ("django.db.models.query_utils.", "django.db.models."),
    ("django.db.models.expressions.", "django.db.models."),
    ("django.db.models.aggregates.", "django.db.models."),
    ("django.db.transaction.", "django.db.transaction."),
    ("django.dispatch.dispatcher.", "django.dispatch."),
    ("django.urls.conf.", "django.urls."),
    ("django.db.migrations.operations.special.", "django.db.migrations."),
    ("django.db.migrations.operations.", "django.db.migrations."),
)


def canonical_django(name: str) -> str:
    """Fold Django's re-export aliases onto one public name."""
    if not name.startswith("django."):
        return name
    for prefix, replacement in _ALIAS_PREFIXES:
        if name.startswith(prefix):
            return replacement + name[len(prefix) :]
    return name


MODEL_BASES = frozenset({"django.db.models.Model", "django.contrib.gis.db.models.Model"})
# Classes outside the project known to derive from django.db.models.Model. Anything else outside
# the project (managers, querysets, admins, forms of the same packages) is not a model.
EXTERNAL_MODEL_BASES = frozenset(
    {
        "django.contrib.auth.models.AbstractUser",
        "django.contrib.auth.models.AbstractBaseUser",
        "django.contrib.auth.models.PermissionsMixin",
        "django.contrib.auth.models.User",
        "django.contrib.auth.models.Group",
        "django.contrib.auth.models.Permission",
        "django.contrib.auth.base_user.AbstractBaseUser",
        "django.contrib.contenttypes.models.ContentType",
        "django.contrib.sites.models.Site",
        "django.contrib.sessions.models.Session",
        "django.contrib.sessions.base_session.AbstractBaseSession",
        "django.contrib.admin.models.LogEntry",
        "django.contrib.redirects.models.Redirect",
        "django.contrib.flatpages.models.FlatPage",
        "treebeard.models.Node",
        "treebeard.mp_tree.MP_Node",
        "treebeard.ns_tree.NS_Node",
        "treebeard.al_tree.AL_Node",
        "mptt.models.MPTTModel",
        "polymorphic.models.PolymorphicModel",
        "modelcluster.models.ClusterableModel",
        "taggit.models.TagBase",
        "taggit.models.Tag",
        "taggit.models.ItemBase",
        "taggit.models.TaggedItemBase",
        "taggit.models.TaggedItem",
        "taggit.models.CommonGenericTaggedItemBase",
        "taggit.models.GenericTaggedItemBase",
        "django_extensions.db.models.TimeStampedModel",
        "django_extensions.db.models.TitleDescriptionModel",
        "django_extensions.db.models.TitleSlugDescriptionModel",
        "django_extensions.db.models.ActivatorModel",
        "parler.models.TranslatableModel",
        "parler.models.TranslatedFieldsModel",
        "solo.models.SingletonModel",
    }
)
RELATION_FIELDS = {
    "django.db.models.ForeignKey": "fk",
    "django.db.models.OneToOneField": "o2o",
    "django.db.models.ManyToManyField": "m2m",
    "modelcluster.fields.ParentalKey": "fk",
    "modelcluster.fields.ParentalManyToManyField": "m2m",
    "mptt.fields.TreeForeignKey": "fk",
    "taggit.managers.TaggableManager": "m2m",
}
ATOMIC = frozenset({"django.db.transaction.atomic"})
URL_FUNCTIONS = {
    "django.urls.path": "path",
    "django.urls.re_path": "re_path",
    "django.conf.urls.url": "url",
    "django.conf.urls.re_path": "re_path",
}
INCLUDE = frozenset({"django.urls.include", "django.conf.urls.include"})
RECEIVER = frozenset({"django.dispatch.receiver"})
SIGNAL_CLASSES = frozenset({"django.dispatch.Signal", "django.db.models.signals.ModelSignal"})
F_AND_Q = frozenset({"django.db.models.F", "django.db.models.Q"})
AGGREGATES = frozenset(
    f"django.db.models.{name}"
    for name in ("Sum", "Count", "Avg", "Max", "Min", "StdDev", "Variance", "Prefetch")
)
AUTH_USER_SETTING = "django.conf.settings.AUTH_USER_MODEL"
GET_USER_MODEL = frozenset({"django.contrib.auth.get_user_model"})
COMMAND_BASES = frozenset(
    {
        "django.core.management.base.BaseCommand",
        "django.core.management.BaseCommand",
        "django.core.management.base.LabelCommand",
        "django.core.management.base.AppCommand",
    }
)
TASK_DECORATORS = frozenset(
    {
        "celery.shared_task",
        "celery.task",
        "celery.decorators.task",
        "celery.decorators.periodic_task",
        "dramatiq.actor",
        "django_rq.job",
        "rq.decorators.job",
        "huey.contrib.djhuey.task",
        "huey.contrib.djhuey.periodic_task",
        "huey.contrib.djhuey.db_task",
        "huey.contrib.djhuey.db_periodic_task",
        "background_task.background",
        "django.tasks.task",
    }
)
TASK_ATTRIBUTES = frozenset({"task", "periodic_task", "db_task", "db_periodic_task", "actor"})

CONTRIB_MODELS = {
    "auth.User": "django.contrib.auth.models.User",
    "auth.Group": "django.contrib.auth.models.Group",
    "auth.Permission": "django.contrib.auth.models.Permission",
    "contenttypes.ContentType": "django.contrib.contenttypes.models.ContentType",
    "sites.Site": "django.contrib.sites.models.Site",
    "sessions.Session": "django.contrib.sessions.models.Session",
    "admin.LogEntry": "django.contrib.admin.models.LogEntry",
    "redirects.Redirect": "django.contrib.redirects.models.Redirect",
    "flatpages.FlatPage": "django.contrib.flatpages.models.FlatPage",
}
