"""An app config's method adding to another module's URL list: one mount per way through its
``if``s, each with the tests it took; the literals and declared defaults those tests read."""

from __future__ import annotations

from analyzer.model.facts import ModuleFacts
from tests.analyzer.facts.helpers import facts_of

SOURCE = '''
from django.apps import AppConfig
from django.urls import include, re_path
from django.utils.module_loading import import_string
from conf.options import option_base


class BaseConfig(AppConfig):
    app_url = None
    enabled = True

    def ready(self):
        self.mount()

    def mount(self):
        from portal.urls import urlpatterns as root
        if self.app_url:
            top = "{}/".format(self.app_url)
        else:
            top = "{}/".format(self.name)
        if not option_base.value:
            top = "x/" + top
        kept = "on"
        if not kept:  # decided here: no way through it
            top = "off/"
        found = import_string("{}.urls.urlpatterns".format(self.name))
        root += (re_path(r"^{}".format(top), view=include((found, self.name))),)

    def unused(self):
        from portal.urls import urlpatterns
        urlpatterns += (re_path(r"^{}".format(self.other()), include(import_string("a.urls"))),)
'''


def _facts() -> ModuleFacts:
    return facts_of(SOURCE, "core.apps")


def test_each_way_through_the_method_is_one_mount_with_its_guards() -> None:
    mounts = {m.guards: (m.route, m.include, m.namespace) for m in _facts().config_mounts}
    base = "conf.options.option_base.value"
    url = "core.apps.BaseConfig.app_url"
    assert mounts == {
        (f"truthy:{url}", f"falsy:{base}"): ("^x/{?ref:" + url + "}/", "{?ref:core.apps.BaseConfig.name}"
                                            ".urls.urlpatterns", "{?ref:core.apps.BaseConfig.name}"),
        (f"truthy:{url}", f"truthy:{base}"): ("^{?ref:" + url + "}/", "{?ref:core.apps.BaseConfig.name}"
                                             ".urls.urlpatterns", "{?ref:core.apps.BaseConfig.name}"),
        (f"falsy:{url}", f"falsy:{base}"): ("^x/{?ref:core.apps.BaseConfig.name}/",
                                           "{?ref:core.apps.BaseConfig.name}.urls.urlpatterns",
                                           "{?ref:core.apps.BaseConfig.name}"),
        (f"falsy:{url}", f"truthy:{base}"): ("^{?ref:core.apps.BaseConfig.name}/",
                                            "{?ref:core.apps.BaseConfig.name}.urls.urlpatterns",
                                            "{?ref:core.apps.BaseConfig.name}"),
    }
    assert {(m.target, m.kind, m.entry, m.method) for m in _facts().config_mounts} == {
        ("portal.urls.urlpatterns", "re_path", True, "core.apps.BaseConfig.mount")}


def test_an_include_of_no_imported_name_is_no_mount_and_literals_are_kept() -> None:
    facts = _facts()
    assert all(m.method.endswith(".mount") for m in facts.config_mounts)  # ``unused`` includes a call
    assert dict(facts.literals) == {"BaseConfig.app_url": "None", "BaseConfig.enabled": "True"}
    assert facts.ready_supers == ()


def test_a_declared_default_is_the_value_of_the_object_and_ready_calling_super_is_kept() -> None:
    options = facts_of('''
        from conf.literals import DEFAULT
        NOTHING = None
        option_base = Option(name="BASE", default=DEFAULT)
        option_title = Option(default="Shop")
        option_off = Option(default=False)
        ''', "conf.options")
    assert dict(options.literals) == {"NOTHING": "None", "option_off.value": "False"}
    constants = dict(options.constants)
    assert constants["option_base.value"] == "{?ref:conf.literals.DEFAULT}"
    assert constants["option_title.value"] == "Shop"
    child = facts_of('''
        class Child(BaseConfig):
            def ready(self):
                super().ready()
        ''', "shop.apps")
    assert child.ready_supers == ("shop.apps.Child",)
