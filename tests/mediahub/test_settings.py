"""Settings have one default, in settings/base.py, read when used; imports are all declared."""

import ast
import re
import sys
import tomllib
from datetime import timedelta
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from django.utils import timezone

from feeds.models import Source
from feeds.tasks import claim

ROOT = Path(__file__).resolve().parents[2]
APPS = ("mediahub", "muurkrant", "feeds")


def modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
    ]


def test_no_module_repeats_a_settings_default():
    """`getattr(settings, NAME, default)` puts a second default beside base.py's."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) == 3
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "settings"
    ]
    assert found == []


@pytest.mark.django_db
def test_the_feed_lease_follows_the_setting_when_a_source_is_claimed(settings, partner):
    source = Source.objects.create(partner=partner, url="https://feeds.example.org/feed")
    settings.FEEDS_LEASE_SECONDS = 30
    now = timezone.now()
    # Up to a second more: random microseconds keep two pollers' leases apart.
    assert now + timedelta(seconds=30) <= claim(source.pk, now=now) < now + timedelta(seconds=31)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        normalise(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])
        for requirement in project["dependencies"]
    }
    imported = set()
    for _path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - set(APPS)
    distributions = packages_distributions()
    undeclared = {
        module: distributions.get(module)
        for module in sorted(third_party)
        if not {normalise(d) for d in distributions.get(module, [])} & declared
    }
    assert undeclared == {}
