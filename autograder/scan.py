"""Flag submissions that try to tamper with grading, by reading their code (never running it).

Python cannot stop code in the kernel from patching the kernel, so the checks defend what they
can at run time (see ``checks.verify_integrity``) and this scan points the instructor at the rest:
patching torch, the checks or builtins, reaching into ``sys.modules``, ``gc`` or ``ctypes``,
installing dispatch modes, leaving the process, opening sockets, reading course files, and
editing or deleting the locked test cells.
"""

import ast

import nbformat
from nbgrader.utils import compute_checksum

from . import __all__ as engine_names

GUARDED = {"torch", "nn", "F", "autograder", "checks", "guard", "builtins", "__builtins__", "sys"}
ENGINE = set(engine_names)  # what test cells import from autograder
IMPORTS = {
    "builtins": "imports builtins",
    "ctypes": "imports ctypes",
    "gc": "imports gc",
    "importlib": "imports importlib",
    "unittest": "imports unittest (mock patching?)",
    "socket": "opens network sockets",
    "urllib": "uses the network",
    "http": "uses the network",
    "requests": "uses the network",
    "subprocess": "starts processes",
    "multiprocessing": "starts processes",
    "signal": "handles signals (to survive interrupts?)",
    "torch.utils._python_dispatch": "uses torch dispatch modes",
    "torch.overrides": "uses torch function modes",
}
CALLS = {
    "os._exit": "leaves the process (os._exit)",
    "os.kill": "sends signals",
    "os.fork": "forks processes",
    "os.system": "runs shell commands",
    "os.remove": "deletes files",
    "os.unlink": "deletes files",
    "os.rename": "moves files",
    "shutil.rmtree": "deletes folders",
    "setattr": None,  # suspect when its target is a guarded module
    "delattr": None,
    "globals": "rewrites globals()",
    "__import__": "imports dynamically",
}
ATTRIBUTES = {
    "modules": "reaches into sys.modules",
    "__torch_function__": "hooks torch functions",
    "__torch_dispatch__": "hooks torch dispatch",
    "__code__": "rewrites function code",
    "__globals__": "reaches into function globals",
}
PATH_WORDS = ("gradebook", "source/", "../", "submitted/", "autograded/", "/etc/", "nbgrader")


def _dotted(node):
    """``torch.nn.functional.layer_norm`` for an Attribute/Name chain, else ''."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


# Findings that mean an attempt on grading itself: the submission's points are zeroed and
# left for a person to review. Everything else is only flagged.
TAMPERING = (
    "patches ",
    "redefines the check",
    "reaches into sys.modules",
    "hooks torch",
    "rewrites function",
    "reaches into function globals",
    "imports ctypes",
    "imports builtins",
    "uses torch dispatch modes",
    "uses torch function modes",
)


def is_tampering(flag):
    return any(word in flag for word in TAMPERING)


def scan_code(code):
    """[(line, what)] for each suspicious construct in one cell's code."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []  # the cell will fail by itself; nothing to flag
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for name in names:
                for module, what in IMPORTS.items():
                    if name == module or name.startswith(module + "."):
                        found.append((line, what))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                name = _dotted(target) or _dotted(getattr(target, "value", None))
                root = name.split(".")[0]
                if isinstance(target, (ast.Attribute, ast.Subscript)) and root in GUARDED:
                    found.append((line, f"patches {name}"))
                elif isinstance(target, ast.Name) and target.id in ENGINE:
                    found.append((line, f"redefines the check {target.id}"))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in ENGINE:
            found.append((line, f"redefines the check {node.name}"))
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name in ("setattr", "delattr") and node.args:
                if _dotted(node.args[0]).split(".")[0] in GUARDED:
                    found.append((line, f"patches {_dotted(node.args[0])} with {name}"))
            elif CALLS.get(name):
                found.append((line, CALLS[name]))
        elif isinstance(node, ast.Attribute) and node.attr in ATTRIBUTES:
            found.append((line, ATTRIBUTES[node.attr]))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(word in node.value for word in PATH_WORDS):
                found.append((line, f"names a course path {node.value[:40]!r}"))
    return sorted(set(found))


def scan_submission(folder, source_folder):
    """Flags for one submission folder: suspicious code in the cells the learner wrote, and
    edited or deleted test cells."""
    flags = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        source = source_folder / path.name
        lesson = (
            nbformat.read(source, as_version=4) if source.exists() else nbformat.v4.new_notebook()
        )
        expected, present = _graded_cells(lesson), _graded_cells(nb)
        given = {cell.source for cell in lesson.cells}  # lesson code, unchanged: not the learner's
        missing = sorted(set(expected) - set(present))
        if missing:
            flags.append(f"{path.name}: graded cells deleted: {', '.join(missing)}")
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or cell.source in given:
                continue
            if meta.get("locked") and meta.get("checksum") != compute_checksum(cell):
                flags.append(
                    f"{path.name}: locked cell {meta.get('grade_id')} was edited "
                    "(nbgrader restores it before grading)"
                )
                continue
            for line, what in scan_code(cell.source):
                flags.append(f"{path.name} cell {index + 1} line {line}: {what}")
    return flags


def _graded_cells(nb):
    return {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
