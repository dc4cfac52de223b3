"""The wheel carries everything the app reads at run time, and works without the repo.

An editable install reads `data/` and the migrations from the source tree, so it
would hide a wheel that forgot them. These tests build the real wheel, look inside,
then run it from an unpacked copy (dependencies still come from this venv).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from tests.built_once import built_once

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def build_wheel(out: Path) -> None:
    out.mkdir()
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")  # no need to fetch the build backend
    done = subprocess.run(
        [*command, str(ROOT)], capture_output=True, text=True, timeout=600, cwd=out
    )
    assert done.returncode == 0, f"building the wheel failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per run, whichever workers run the tests that read it."""
    (built,) = built_once(tmp_path_factory, "wheel", build_wheel).glob("conference_tui-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_ships_the_forms(names: set[str]) -> None:
    shipped = {n for n in names if n.startswith("conference_tui/data/forms/")}
    in_repo = {f"conference_tui/data/forms/{p.name}" for p in (ROOT / "data/forms").glob("*.toml")}
    assert "conference_tui/data/forms/writing-conference.toml" in shipped
    assert shipped >= in_repo


def test_the_wheel_ships_the_migrations(names: set[str]) -> None:
    migrations = ROOT / "src/conference_tui/store/migrations"
    for name in ("env.py", "script.py.mako"):
        assert f"conference_tui/store/migrations/{name}" in names
    versions = sorted((migrations / "versions").glob("*.py"))
    assert versions, "no migration versions in the source tree?"
    for version in versions:
        assert f"conference_tui/store/migrations/versions/{version.name}" in names


def test_the_wheel_ships_the_demo_class(names: set[str]) -> None:
    demo = [p for p in (ROOT / "data/demo").glob("*") if p.is_file()]
    if not demo:
        pytest.skip("data/demo/ has no files yet")
    for path in demo:
        assert f"conference_tui/data/demo/{path.name}" in names


def test_the_wheel_has_the_console_script_and_no_clutter(wheel: Path, names: set[str]) -> None:
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(entry_points).decode()
    assert "conference-tui = conference_tui.launch:main" in text
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/"))]


def test_an_unpacked_wheel_loads_the_form_and_makes_its_schema_from_itself(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    database = tmp_path / "conferences.db"
    code = (
        "import json, sqlite3, sys, conference_tui\n"
        "from conference_tui import paths\n"
        "from conference_tui.forms import load_default_form\n"
        "from conference_tui.store import Store\n"
        "from conference_tui.store import location, schema_at_head\n"
        "form = load_default_form()\n"
        f"store = Store.open({str(database)!r})\n"
        "store.close()\n"
        f"revision = sqlite3.connect({str(database)!r}).execute(\n"
        "    'SELECT version_num FROM alembic_version').fetchone()[0]\n"
        "print(json.dumps({\n"
        "    'package': conference_tui.__file__,\n"
        "    'forms': str(paths.builtin_forms_dir()),\n"
        "    'demo': str(paths.demo_dir()),\n"
        "    'migrations': str(location.MIGRATIONS_DIR),\n"
        "    'schema': str(schema_at_head.SCHEMA_FILE),\n"
        "    'migrated': 'alembic' in sys.modules,\n"
        "    'form': form.id,\n"
        "    'stages': len(form.stages),\n"
        "    'revision': revision,\n"
        "    'head': location.head_revision(),\n"
        "}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # not the repo: nothing may be found through the source tree
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for key in ("package", "forms", "demo", "migrations", "schema"):
        assert Path(found[key]).is_relative_to(site), (key, found[key])
    assert found["form"] == "writing-conference" and found["stages"] == 6
    assert found["revision"] == found["head"]
    assert not found["migrated"]  # made from the shipped schema_at_head.sql

    version = subprocess.run(
        [sys.executable, "-m", "conference_tui", "--version"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("conference-tui, version ")


def wheel_metadata(wheel: Path, names: set[str]) -> list[tuple[str, str]]:
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    with zipfile.ZipFile(wheel) as archive:
        head = archive.read(metadata).decode().split("\n\n", 1)[0]
    return [(key, value) for key, _, value in (line.partition(": ") for line in head.splitlines())]


def test_the_wheel_ships_the_license_and_says_what_it_is(wheel: Path, names: set[str]) -> None:
    (license_file,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read(license_file).decode()
    assert shipped == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert shipped.startswith("MIT License")
    metadata = wheel_metadata(wheel, names)
    fields = dict(metadata)
    assert fields["License-Expression"] == "MIT"
    assert fields["License-File"] == "LICENSE"
    classifiers = {value for key, value in metadata if key == "Classifier"}
    assert {"Intended Audience :: Education", "Environment :: Console"} <= classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "writing conference" in fields["Keywords"].split(",")


def test_the_version_is_said_in_one_place(wheel: Path, names: set[str]) -> None:
    from conference_tui import __version__

    assert dict(wheel_metadata(wheel, names))["Version"] == __version__
    assert wheel.name.startswith(f"conference_tui-{__version__}-")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"]


def test_dependencies_before_1_0_have_an_upper_bound(wheel: Path, names: set[str]) -> None:
    from packaging.requirements import Requirement

    for key, value in wheel_metadata(wheel, names):
        if key != "Requires-Dist" or "extra ==" in value:
            continue
        requirement = Requirement(value)
        lowest = [spec.version for spec in requirement.specifier if spec.operator in (">=", "==")]
        if lowest and lowest[0].startswith("0."):
            assert any(spec.operator in ("<", "==") for spec in requirement.specifier), value
