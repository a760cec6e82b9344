"""The grader's layout: the module map in ``autograder/__init__.py`` matches the tree, and the
imports follow the map's order (no cycle, no import from a later stage, no private name
taken from another module).

Every import counts, those inside functions included: the walk reads the whole syntax tree.
"""

import ast
import re
from pathlib import Path

import autograder
from tests.conftest import ROOT

PACKAGE = ROOT / "autograder"

#: The spec modules (one per assignment): the map names their folder, not each one.
SPEC = re.compile(r"a\d\d_\w+\.py")

#: The stages, earliest first; a module may import from its own stage and earlier ones.
STAGES = ["model", "errors", "assignments", "judge", "sandbox", "authoring", "intake", "store", "reports",
          "run", "cli", "__main__"]


def modules():
    """``{dotted name: path}`` of every module of the package, ``__init__`` as the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def stage(name):
    """The stage of ``autograder.<stage>[...]``; the package itself is before every stage."""
    parts = name.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 else -1


def imports(name, path, known):
    """``[(line, imported module, names)]`` of the package's own modules that ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            edges += [(node.lineno, a.name, []) for a in node.names if a.name.startswith("autograder")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            if not base.startswith("autograder") and not base.startswith("solutions"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in known:  # ``from autograder.judge import check``: the module itself
                    edges.append((node.lineno, sub, []))
                else:
                    edges.append((node.lineno, base, [alias.name]))
    return edges


def graph():
    known = modules()
    return known, {name: imports(name, path, known) for name, path in known.items()}


def test_no_import_runs_to_a_later_stage():
    known, edges = graph()
    wrong = [f"{known[a].relative_to(ROOT)}:{line} imports {b} (stage {STAGES[stage(b)]}, after {STAGES[stage(a)]})"
             for a, found in edges.items() if a != "autograder"
             for line, b, _ in found if b.startswith("autograder.") and stage(b) > stage(a)]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    known, edges = graph()
    succ = {a: {b for _, b, _ in found if b in known and b != a} for a, found in edges.items()}
    for a in succ:  # a package's __init__ is imported with any of its modules
        for b in list(succ[a]):
            parent = b.rpartition(".")[0]
            if parent in known and parent != a and not a.startswith(parent + ".") and parent != "autograder":
                succ[a].add(parent)
    cycles, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(succ[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(succ):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(cycles)


def test_no_private_name_from_another_module():
    wrong = []
    for top in ("autograder", "solutions"):
        for path in sorted((ROOT / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("autograder", "solutions"):
                    names = [a.name for a in node.names] + node.module.split(".")[1:]
                    wrong += [f"{path.relative_to(ROOT)}:{node.lineno} imports {n} from {node.module}"
                              for n in names if n.startswith("_") and n != "__version__"]
    assert not wrong, "\n".join(wrong)


def test_every_module_is_in_a_stage():
    unknown = [name for name in modules() if name != "autograder" and name.split(".")[1] not in STAGES]
    assert not unknown, f"modules outside every stage of STAGES: {unknown}"


def test_the_module_map_names_every_module_and_nothing_else():
    """Every module and package named in the map exists, and every one that exists is named."""
    doc = autograder.__doc__
    named = set(re.findall(r"``([a-z_0-9]+(?:\.py|/))``", doc)) - {"__init__.py"}
    tree = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py" and p.name != "__init__.py"}
    tree |= {p.name + "/" for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    tree |= {p.name for d in PACKAGE.iterdir() if (d / "__init__.py").exists()
             for p in d.glob("*.py") if p.name != "__init__.py" and not SPEC.fullmatch(p.name)}
    assert named - tree == set(), f"the map names modules that do not exist: {sorted(named - tree)}"
    assert tree - named == set(), f"modules missing from the map in autograder/__init__.py: {sorted(tree - named)}"


def test_the_map_lists_the_stages_in_their_order():
    doc = autograder.__doc__
    order = [m.group(1) for m in re.finditer(r"^- ``([a-z_]+)(?:/|\.py)``", doc, flags=re.M)]
    assert [s for s in order if s in STAGES] == [s for s in STAGES if s in order and s != "__main__"], order
    assert set(STAGES) - {"__main__"} - set(order) == set(), f"stages missing from the map: {set(STAGES) - set(order)}"
