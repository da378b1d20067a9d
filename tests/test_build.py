"""The build: committed source/ and release/ are what course/ makes today, and the release leaks
no solution and no hidden test."""

import ast
import builtins
import re
import tomllib

import nbformat
import pytest
import yaml
from nbgrader.utils import is_grade, is_solution

from autograder import build
from autograder.grading import judge
from autograder.nbgrader_cli import nbgrader

MARKERS = re.compile(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)")
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.DOTALL)


@pytest.fixture(scope="session")
def fresh(tmp_path_factory, root):
    """A build of today's course/ in a scratch folder."""
    out = tmp_path_factory.mktemp("fresh")
    build.build(root, out)
    return out


def notebooks(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*.ipynb"))


def graded_cells(path):
    return {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in nbformat.read(path, as_version=4).cells
        if "nbgrader" in c.metadata
    }


@pytest.mark.parametrize("kind", ["source", "release"])
def test_committed_notebooks_are_exactly_what_the_build_makes(fresh, root, kind):
    assert notebooks(root / kind) == notebooks(fresh / kind), "run `make release` and commit"
    for path in notebooks(fresh / kind):
        assert (root / kind / path).read_text() == (fresh / kind / path).read_text(), (
            f"{kind}/{path} is stale: run `make release` and commit"
        )


def test_every_lesson_is_built(root):
    built = {p.parent.name for p in (root / "source").glob("*/*.ipynb")}
    assert built == {build.assignment_name(lesson) for lesson in build.lessons(root)}
    assert built, "no lesson was built"


def test_release_holds_no_solution_and_no_hidden_test(root):
    for path in notebooks(root / "release"):
        text = (root / "release" / path).read_text()
        assert not MARKERS.search(text), f"release/{path} holds a marker"
        assert '"jupytext"' not in text
        source = graded_cells(root / "source" / path)
        release = graded_cells(root / "release" / path)
        assert source.keys() == release.keys()
        for grade_id, cell in source.items():
            hidden = [
                line.strip()
                for _, region in REGION.findall(cell.source)
                for line in region.splitlines()
                if len(line.strip()) > 12 and line.strip() not in REGION.sub("", cell.source)
            ]
            leaked = [line for line in hidden if line in release[grade_id].source]
            assert not leaked, f"release/{path} cell {grade_id} leaks {leaked[:3]}"
            if cell.metadata["nbgrader"]["solution"]:
                assert "raise NotImplementedError()" in release[grade_id].source


def test_source_cells_carry_nbgrader_metadata(root):
    for path in notebooks(root / "source"):
        cells = graded_cells(root / "source" / path)
        tests = [c for c in cells.values() if c.metadata["nbgrader"]["grade"]]
        solutions = [c for c in cells.values() if c.metadata["nbgrader"]["solution"]]
        assert tests and solutions
        for cell in tests:
            meta = cell.metadata["nbgrader"]
            assert meta["locked"] and meta["points"] > 0 and meta["schema_version"] == 3
            assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden test"


@pytest.mark.parametrize("kind, expected", [("source", "Success!"), ("release", "FAILED")])
def test_nbgrader_validate(root, tmp_path, kind, expected):
    for path in notebooks(root / kind):
        done = nbgrader("validate", str(root / kind / path), course=tmp_path, check=False)
        assert expected in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]


def test_environment_yml_names_the_same_packages_as_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + extras["dev"] + extras["site"]
    conda = yaml.safe_load((root / "environment.yml").read_text())["dependencies"]
    pip = next(d["pip"] for d in conda if isinstance(d, dict))
    assert [p for p in pip if p != "-e ."] == wanted
    assert "torch==2.13.0" in wanted


def _bound(tree):
    """Every name a piece of code binds anywhere: assignments, defs, imports, arguments."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def test_test_cells_use_only_what_the_trusted_judge_gives_them(root):
    """The judge runs test cells with the lesson's imports, the learner's solution names and
    the test cells themselves, not the lesson's other cells: a test cell that uses a helper a
    lesson cell defines would fail for every learner in grading, and in no in-process test."""
    for source in sorted((root / "source").glob("*/*.ipynb")):
        nb = nbformat.read(source, as_version=4)
        tests = [
            c for c in nb.cells if c.cell_type == "code" and is_grade(c) and not is_solution(c)
        ]
        given = _bound(ast.parse(judge.test_imports(nb))) | set(judge.solution_names(nb))
        given |= set(dir(builtins))
        given |= set().union(*(_bound(ast.parse(c.source)) for c in tests))
        for cell in tests:
            loaded = {
                node.id
                for node in ast.walk(ast.parse(cell.source))
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
            }
            assert loaded <= given, f"{source.parent.name}: {cell.id} uses {loaded - given}"
