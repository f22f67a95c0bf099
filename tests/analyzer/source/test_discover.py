"""Discovery on a repo root, a src/ layout and a package directory."""

from __future__ import annotations

from pathlib import Path

from analyzer.source.discover import discover
from analyzer.source.discover_config import discover_options
from analyzer.source.listing import DiscoverOptions

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_repo_root_with_settings_apps_and_labels() -> None:
    project = discover(FIXTURES / "tiny_project")
    assert project.settings.module == "shop.settings"
    assert project.settings.sql_dialect == "postgres"
    assert project.settings.auth_user_model == "customers.Account"
    assert project.settings.root_urlconf == "shop.urls"
    assert [(a.label, a.name, a.path) for a in project.apps] == [
        ("customers", "customers", "customers"), ("shop_orders", "orders", "orders")]
    modules = {f.module for f in project.files}
    assert {"orders.migrations.0001_initial", "sql.views", "shop"} <= modules


def test_migrations_can_be_left_out() -> None:
    project = discover(FIXTURES / "tiny_project", DiscoverOptions(include_migrations=False))
    assert not any("migrations" in f.path for f in project.files)


def test_src_layout_with_config_excludes() -> None:
    root = FIXTURES / "src_layout"
    project = discover(root, discover_options(root))
    assert sorted(f.module for f in project.files) == [
        "blog", "blog.models", "site_conf", "site_conf.settings"]
    assert project.settings.installed_apps == ("django.contrib.auth", "blog")
    assert [a.label for a in project.apps] == ["blog"]


def test_package_directory_names_modules_from_the_package() -> None:
    project = discover(FIXTURES / "package_dir" / "shopkit")
    assert {f.module for f in project.files} >= {"shopkit", "shopkit.models", "shopkit.contrib.base"}
    assert [(a.label, a.name) for a in project.apps] == [("kit", "shopkit")]
    assert project.settings.module is None


def test_excluded_directories(tmp_path: Path) -> None:
    for directory in ("node_modules/x", ".git", "venv", "build", "app/__pycache__", "myenv"):
        (tmp_path / directory).mkdir(parents=True)
        (tmp_path / directory / "m.py").write_text("x = 1\n")
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "app" / "keep.py").write_text("x = 1\n")
    assert [f.path for f in discover(tmp_path).files] == ["app/keep.py"]


SETTINGS_CHOICE = Path(__file__).parents[2] / "fixtures" / "settings_choice"


def test_settings_named_otherwise_are_found_and_test_settings_come_last() -> None:
    project = discover(SETTINGS_CHOICE / "named_variants")
    assert (project.settings.module, project.settings.database_engine) == (
        "site.settings_example", "django.db.backends.postgresql")
    assert not [w for w in project.warnings if w.code == "test-settings"]


def test_test_settings_are_taken_only_when_alone_and_that_is_said() -> None:
    project = discover(SETTINGS_CHOICE / "only_tests")
    assert project.settings.module == "lib.tests.settings"
    assert [(w.path, w.code) for w in project.warnings] == [("lib/tests/settings.py", "test-settings")]


def test_a_symlinked_folder_is_read_once_where_it_really_is(tmp_path: Path) -> None:
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    (tree / "shop" / "real").mkdir(parents=True)
    (tree / "shop" / "real" / "mod.py").write_text("x = 1\n")
    (tree / "shop" / "a_alias").symlink_to(tree / "shop" / "real")  # listed before the real one
    outside.mkdir()
    (outside / "ext.py").write_text("y = 2\n")
    (tree / "link1").symlink_to(outside)
    (tree / "link2").symlink_to(outside)
    (tree / "shop" / "real" / "up").symlink_to(tree)  # a loop
    project = discover(tree)
    assert [f.path for f in project.files] == ["link1/ext.py", "shop/real/mod.py"]
    assert [(w.path, w.code) for w in project.warnings] == [("shop/real/up", "symlink-loop")]


def test_every_exclude_pattern_applies_as_fnmatch(tmp_path: Path) -> None:
    for path in ("shop/legacy_a.py", "shop/views.py", "shop/gen/x.py", "docs/conf.py", "shop/v2.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x = 1\n")
    options = DiscoverOptions(excludes=("shop/legacy*", "*/gen", "docs/*", "shop/v?.py"))
    assert [f.path for f in discover(tmp_path, options).files] == ["shop/views.py"]
