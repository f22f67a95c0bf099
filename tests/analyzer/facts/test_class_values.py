"""``self.ATTR`` in route text is a reference to the class's attribute; the class's static string
attributes (assigned, or a property returning only literals) are kept as constants."""

from __future__ import annotations

from tests.analyzer.facts.helpers import facts_of

SOURCE = '''
from functools import cached_property
from django.urls import path

class ViewSet:
    slug = "items"
    title: str = "Items"
    template_name = compute()

    @cached_property
    def converter(self):
        """Docstring."""
        if self.uuid:
            return "uuid"
        return "int"

    @property
    def computed(self):
        return self.model.name

    @property
    def partly(self):
        if self.x:
            return "a"

    class Meta:
        prefix = "shop"

    def get_urlpatterns(self):
        conv = self.converter
        return [path(f"{self.slug}/<{conv}:pk>/", self.edit)]
'''


def test_class_attributes_and_constant_properties_are_recorded() -> None:
    constants = dict(facts_of(SOURCE).constants)
    assert constants == {
        "ViewSet.slug": "items",
        "ViewSet.title": "Items",
        "ViewSet.converter": "{?alt:int|uuid}",
    }


def test_self_attribute_in_a_method_refers_to_its_class() -> None:
    (pattern,) = facts_of(SOURCE).url_patterns
    assert pattern.route == "{?ref:shop.views.ViewSet.slug}/<{?ref:shop.views.ViewSet.converter}:pk>/"


def test_self_outside_a_method_is_not_the_class() -> None:
    source = "from django.urls import path\n\ndef urls(self):\n    return [path(f'{self.slug}/', v)]\n"
    (pattern,) = facts_of(source).url_patterns
    assert "ref:" not in pattern.route


def test_a_getattr_reading_its_sources_in_turn_and_a_module_level_instance() -> None:
    source = '''
from django.conf import settings
from shop import defaults

class AppSettings:
    def __getattr__(self, name):
        try:
            return getattr(settings, name)
        except AttributeError:
            return getattr(defaults, name)

app_settings = AppSettings()
other = AppSettings(1)
'''
    constants = dict(facts_of(source, "shop.conf").constants)
    assert constants["AppSettings.__getattr__"] == "{?getattr:django.conf.settings|shop.defaults}"
    assert constants["app_settings"] == "{?new:shop.conf.AppSettings}" and "other" not in constants
