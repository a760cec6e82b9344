"""The grader's docstrings follow numpydoc, as ``solutions/`` does.

An ``ast`` walk of ``autograder/`` (the exercise specs ``assignments/a0*.py`` left out: they are
data) checks every public function and method: a name without a leading underscore, defined at
module level or in a public class (not inside a function). Each one has a docstring; one that
takes parameters besides ``self``/``cls`` has a ``Parameters`` section; one whose return
annotation is not ``None`` has a ``Returns`` (or ``Yields``) section. A property is documented as
an attribute, as numpydoc does, so it needs no ``Returns``. ``__init__`` is private by name:
numpydoc documents a constructor's parameters in its class's docstring.
"""

import ast
import re

from tests.conftest import ROOT

PACKAGE = ROOT / "autograder"

#: Methods that override a library's method of the same name and signature, whose own docstring
#: documents the parameters and the result; ``(path under autograder/, Class.method)``. Their
#: docstrings say what the override changes. An entry that names no method fails the test.
OVERRIDES = {
    ("reports/feedback.py", "FeedbackExporter.from_notebook_node"),  # nbconvert.exporters.HTMLExporter
    ("run/execute.py", "SandboxExecute.create_kernel_manager"),  # nbclient.NotebookClient
    ("run/execute.py", "SandboxExecute.async_start_new_kernel"),  # nbclient.NotebookClient
    ("run/execute.py", "SandboxExecute.async_start_new_kernel_client"),  # nbclient.NotebookClient
    ("run/execute.py", "SandboxExecute.output"),  # nbclient.NotebookClient
    ("run/execute.py", "SandboxExecute.preprocess"),  # nbgrader.preprocessors.Execute
    ("sandbox/kernel.py", "SandboxedKernelManager.write_connection_file"),  # jupyter_client.KernelManager
    ("sandbox/kernel.py", "SandboxedKernelManager.format_kernel_cmd"),  # jupyter_client.KernelManager
    ("sandbox/kernel.py", "SandboxedKernelManager.interrupt_kernel"),  # jupyter_client.AsyncKernelManager
}

SELF = {"self", "cls"}


def section(doc, *names):
    """Whether ``doc`` has a numpydoc section titled one of ``names`` (title, then a dashed line)."""
    return any(re.search(rf"^\s*{name}\s*\n\s*-{{3,}}\s*$", doc, flags=re.M) for name in names)


def public_functions(tree):
    """``[(qualified name, function node)]`` of the public functions and methods of a module."""
    found = []

    def visit(body, prefix):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                found.append((prefix + node.name, node))
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.If, ast.Try)):  # ``if TYPE_CHECKING:``, ``try: import ...``
                visit(node.body + node.orelse + getattr(node, "finalbody", []), prefix)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body, prefix)

    visit(tree.body, "")
    return found


def is_property(node):
    return any((isinstance(d, ast.Name) and d.id in ("property", "cached_property"))
               or (isinstance(d, ast.Attribute) and d.attr in ("property", "cached_property", "setter"))
               for d in node.decorator_list)


def problems(node):
    """What ``node``'s docstring lacks, as short phrases."""
    doc = ast.get_docstring(node)
    if not doc:
        return ["no docstring"]
    args = node.args
    named = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs] + [
        a.arg for a in (args.vararg, args.kwarg) if a is not None]
    wrong = []
    if any(name not in SELF for name in named) and not section(doc, "Parameters") and not is_property(node):
        wrong.append("no Parameters section")
    returns = node.returns
    returns_none = isinstance(returns, ast.Constant) and returns.value in (None, "None")
    if returns is not None and not returns_none and not is_property(node) and not section(doc, "Returns", "Yields"):
        wrong.append("no Returns section")
    return wrong


def violations():
    """``["autograder/<path>:<line> <name>: <what it lacks>"]`` over the package."""
    found, overrides = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if re.fullmatch(r"assignments/a0\d.*\.py", rel):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, node in public_functions(tree):
            if (rel, name) in OVERRIDES:
                overrides.add((rel, name))
                if not ast.get_docstring(node):
                    found.append(f"autograder/{rel}:{node.lineno} {name}: no docstring")
                continue
            found += [f"autograder/{rel}:{node.lineno} {name}: {p}" for p in problems(node)]
    found += [f"OVERRIDES names autograder/{rel} {name}, which is no public method there"
              for rel, name in sorted(OVERRIDES - overrides)]
    return found


def test_every_public_function_has_a_numpydoc_docstring():
    wrong = violations()
    assert not wrong, f"{len(wrong)} public functions lack numpydoc parts:\n" + "\n".join(wrong)


def test_the_check_finds_what_it_should():
    """The checker itself rejects each kind of gap, and accepts a complete docstring."""
    code = '''
def bare(x): pass
def no_params(x):
    """Summary."""
def no_returns(x) -> int:
    """Summary.

    Parameters
    ----------
    x : int
    """
def good(x) -> int:
    """Summary.

    Parameters
    ----------
    x : int
        A number.

    Returns
    -------
    int
    """
def _private(x): pass
def outer() -> None:
    """Summary."""
    def inner(y): pass
class Public:
    """A class."""
    def method(self, y): pass
    @property
    def size(self) -> int:
        """The size."""
class _Private:
    def method(self, y): pass
'''
    found = {name: problems(node) for name, node in public_functions(ast.parse(code))}
    assert found == {
        "bare": ["no docstring"],
        "no_params": ["no Parameters section"],
        "no_returns": ["no Returns section"],
        "good": [],
        "outer": [],
        "Public.method": ["no docstring"],
        "Public.size": [],
    }
