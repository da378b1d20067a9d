"""Lesson cells that cannot change a grade, which grading therefore leaves unrun.

An author tags a cell ``skip-grading`` (a figure, a widget, a long experiment). The build
refuses the tag on a cell that defines a name a later untagged cell uses
(:func:`check_skip_tags`), and
at grading time a submission's copy of a tagged cell is left unrun only where no other cell
of that submission, nor any hidden test, reads a name it binds (:func:`skipped_cells`). Both
decide from the code alone (its syntax tree), never by running it.
"""

import ast
import functools
import symtable

import nbformat
from nbgrader.utils import is_grade, is_solution

SKIP_TAG = "skip-grading"
DYNAMIC = {"eval", "exec", "globals", "locals", "vars", "__import__", "get_ipython", "__main__"}


class Dynamic(Exception):
    """The code reads names in ways a syntax tree does not show (eval, globals(), …)."""


def _tree(code):
    from IPython.core.inputtransformer2 import TransformerManager  # %magics become calls

    return ast.parse(TransformerManager().transform_cell(code))


@functools.lru_cache(maxsize=4096)
def bound_names(code):
    """Every name the code binds, at any depth (more than the module level: a safe excess)."""
    names = set()
    for node in ast.walk(_tree(code)):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias) and node.name == "*":
            raise Dynamic("from … import *")
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def loaded_names(code):
    """The names the code reads that an earlier cell may have bound: every global it reads
    (in functions and comprehensions too) before a statement of its own has surely bound it.
    Dynamic if it can read names no syntax tree shows."""
    needed, defined = set(), set()
    for statement in _tree(code).body:
        needed |= _reads(statement) - defined
        defined |= _binds(statement)
    if needed & DYNAMIC:
        raise Dynamic(", ".join(sorted(needed & DYNAMIC)))
    return frozenset(needed)


def _reads(node):
    """The global names one statement reads; a loop's or with's own target is not read."""
    if isinstance(node, (ast.For, ast.AsyncFor)):
        body = set().union(*map(_reads, node.body + node.orelse))
        return _reads(ast.Expr(node.iter)) | (body - _names(node.target))
    if isinstance(node, (ast.With, ast.AsyncWith)):
        targets = set().union(*(_names(i.optional_vars) for i in node.items if i.optional_vars))
        body = set().union(*map(_reads, node.body))
        return set().union(*(_reads(ast.Expr(i.context_expr)) for i in node.items)) | (
            body - targets
        )
    table = symtable.symtable(ast.unparse(node), "<cell>", "exec")
    names, tables = set(), [table]
    if isinstance(node, ast.AugAssign):  # x += 1 reads x first
        names |= _names(node.target)
    while tables:
        table = tables.pop()
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (table.get_type() == "module" or symbol.is_global()):
                names.add(symbol.get_name())
        tables += table.get_children()
    return names


def _binds(node):
    """The names a top-level statement surely binds (a conditional binding is not sure)."""
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return set().union(*map(_names, targets))
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    return set()


def _names(target):
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def tagged(cell):
    return cell.cell_type == "code" and SKIP_TAG in cell.metadata.get("tags", [])


def check_skip_tags(nb, where):
    """Raise ValueError if a ``skip-grading`` cell is graded, or binds a name that a later
    untagged cell reads (tagged cells may feed each other: grading skips such a chain whole)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for index, cell in enumerate(code):
        if not tagged(cell):
            continue
        first = cell.source.strip().splitlines()[:1]
        if is_grade(cell) or is_solution(cell):
            raise ValueError(f"{where}: a graded or answer cell cannot be tagged {SKIP_TAG}")
        try:
            bound = bound_names(cell.source)
        except (Dynamic, SyntaxError) as error:
            message = f"{where}: the cell tagged {SKIP_TAG} that starts {first}: {error}"
            raise ValueError(message) from None
        for later in (c for c in code[index + 1 :] if not tagged(c)):
            try:
                used = bound & loaded_names(later.source)
            except Dynamic as error:
                used = {f"(any: {error})"} if bound else set()
            if used:
                raise ValueError(
                    f"{where}: the cell tagged {SKIP_TAG} that starts {first} defines "
                    f"{', '.join(sorted(used))}, which a later cell uses "
                    f"({later.source.strip().splitlines()[:1]}); grading would skip it, so "
                    "untag it or rename what the later cell reads"
                )


def skipped_cells(source_nb, submission):
    """The sources of the submission's code cells that grading leaves unrun: its unchanged
    copies of the source's tagged cells whose names no other cell reads (nor any hidden test).
    ``submission`` is the notebook's bytes; nothing is skipped in one that does not parse."""
    try:
        student = nbformat.reads(submission.decode(), as_version=4)
        cells = [c for c in student.cells if c.cell_type == "code"]
    except Exception:  # noqa: BLE001 (nbgrader reports the broken notebook)
        return frozenset()
    sources = {c.source for c in source_nb.cells if tagged(c) and not is_grade(c)}
    tests = [c.source for c in source_nb.cells if c.cell_type == "code" and is_grade(c)]
    skip = {
        i
        for i, c in enumerate(cells)
        if c.source in sources and not is_grade(c) and not is_solution(c)
    }
    try:
        while True:
            kept = [c.source for i, c in enumerate(cells) if i not in skip] + tests
            needed = set().union(*(loaded_names(code) for code in kept))
            needing = {i for i in skip if bound_names(cells[i].source) & needed}
            if not needing:
                return frozenset(cells[i].source for i in skip)
            skip -= needing
    except (Dynamic, SyntaxError):
        return frozenset()
