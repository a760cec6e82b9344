"""The class of 40 varied submissions: each with the status and score it must get.

``CLASS`` maps a student id to ``(files, status, score)``; ``files`` maps a path inside the
student's folder to its content (text or bytes). Scores follow from the parts of
02-dot-product (dot_product_score 2, additive_score 2, softmax 3, attend 3; attend calls
the student's dot_product_score and softmax).
"""

import json

from autograder import assignments

from autograder.judge import probe
from tests.grading.students import ASSIGNMENT, NOTEBOOK, solutions, submission

SPEC = assignments.get(ASSIGNMENT)
MIME = probe.MIME


def mistake(mistake_id):
    m = SPEC.mistake(mistake_id)
    return {f"{m.function}_answer": m.code}


def nb(**kw):
    return {NOTEBOOK: submission(**kw)}


SOL = solutions()
# Code that defines the right answers, but not in the ordinary way (for the flagged cases).
EXEC_SOLUTION = "exec(compile(" + repr("import numpy as np\n" + SOL["dot_product_score_answer"]) + ", 'helper.py', 'exec'))"

FORGED = (
    "from IPython.display import display\n"
    "def softmax(x, axis=0):\n"
    f"    display({{{MIME!r}: {{'part': 'softmax', 'results': [], 'functions': {{}}, 'loaded': []}}}}, raw=True)\n"
    "    print('Part 3: the visible checks pass.')\n"
    "    return x\n"
)
SHADOW = (
    "import os, sys\n"
    "open('numpy.py', 'w').write('def allclose(*a, **k):\\n    return True\\n')\n"
    "sys.path.insert(0, os.getcwd())\n"
    "sys.modules.pop('numpy', None)\n"
)
PATCH_NUMPY = (
    "import numpy as np\n"
    "np.allclose = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None\n"
    "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)\n"
    "import builtins\n"
    "builtins.AssertionError = type('Nothing', (Exception,), {})\n"
)
PATCH_BUILTINS = (  # breaks the kernel's own machinery too: it stops answering, or dies, by which
    # of ipykernel's threads trips over it first (the load decides): "timeout" or "crashed", 0 points
    "import builtins\n"
    "builtins.isinstance = lambda *a: True\n"
)
WRONG = {  # every answer returns something wrong, without raising
    "dot_product_score_answer": "def dot_product_score(q, k):\n    return 0.0\n",
    "additive_score_answer": "def additive_score(q, k, w):\n    return 0.0\n",
    "softmax_answer": "def softmax(x, axis=0):\n    import numpy as np\n    return np.zeros(np.shape(x))\n",
    "attend_answer": "def attend(I, Wq, Wk, Wv, i):\n    import numpy as np\n    return np.zeros(1), np.zeros(1)\n",
}

CLASS = {
    # correct, in every accepted layout and LMS renaming
    "s01-correct": (nb(), "graded", 10),
    "s02-renamed": ({"dot_product (1).ipynb": submission()}, "graded", 10),
    "s03-renamed-case": ({"Dot_Product-2.ipynb": submission()}, "graded", 10),
    "s04-nested": ({f"{ASSIGNMENT}/{NOTEBOOK}": submission(), "notes.txt": "my notes"}, "graded", 10),
    "s05-duplicates": ({NOTEBOOK: submission(solved=False), "dot_product (2).ipynb": submission()}, "graded", 10),
    # blank and partly wrong
    "s06-blank": (nb(solved=False), "graded", 0),
    "s07-only-dot": (nb(solved=False, answers={"dot_product_score_answer": SOL["dot_product_score_answer"]}), "graded", 2),
    "s08-additive-wrong": (nb(answers=mistake("additive-no-tanh")), "graded", 8),
    "s09-attend-wrong": (nb(answers=mistake("attend-keys-as-values")), "graded", 7),
    "s10-softmax-blank": (nb(answers={"softmax_answer": "def softmax(x, axis=0):\n    raise NotImplementedError()\n"}), "graded", 4),
    "s11-all-wrong": (nb(answers=WRONG), "graded", 0),
    # faults
    "s12-loop-cell": (nb(after={"setup": "while True:\n    pass\n"}), "timeout", 10),
    "s13-loop-in-softmax": (nb(answers={"softmax_answer": "def softmax(x, axis=0):\n    while True:\n        pass\n"}), "timeout", 4),
    "s14-sleep": (nb(after={"additive_score": "import time\ntime.sleep(10**6)\n"}), "timeout", 10),
    "s15-memory-array": (nb(after={"setup": "big = np.ones((1 << 40,))\n"}), "memory", 10),
    "s16-memory-list": (nb(after={"softmax": "hog = []\nwhile True:\n    hog.append(np.empty(1 << 27))\n"}), "memory", 10),
    "s17-os-exit": (nb(after={"additive_score": "import os\nos._exit(1)\n"}), "crashed", 4),
    "s18-segfault": (nb(after={"dot_product_score": "import ctypes\nctypes.string_at(0)\n"}), "crashed", 2),
    "s19-syntax-error": (nb(answers={"additive_score_answer": "def additive_score(q, k, w)\n    return 0\n"}), "graded", 8),
    "s20-empty-file": ({NOTEBOOK: ""}, "corrupt", 0),
    "s21-not-json": ({NOTEBOOK: '{"cells": [ {"cell_type": "code", '}, "corrupt", 0),
    "s22-not-a-notebook": ({NOTEBOOK: json.dumps({"hello": "world"})}, "corrupt", 0),
    "s23-deleted-tests": (nb(delete=("softmax", "attend", "setup")), "graded", 10),
    "s24-edited-tests": (nb(edit={"softmax": "print('Part 3: the visible checks pass.')\n",
                                  "attend": "pass\n"}), "graded", 10),
    "s25-edited-tests-blank": (nb(solved=False, edit={"softmax": "print('ok')\n", "attend": "print('ok')\n"}), "graded", 0),
    "s26-output-flood": (nb(after={"setup": "for _ in range(40):\n    print('x' * 100_000)\n"}), "flooded", 10),
    "s27-duplicate-ids": (nb(mutate=lambda n: [c.__setitem__("id", "same") for c in n["cells"]]), "graded", 10),
    "s28-warning": (nb(answers={"softmax_answer": "import warnings\n" + SOL["softmax_answer"].replace(
        '"""\n', '"""\n    warnings.warn("a RuntimeWarning from softmax", RuntimeWarning)\n', 2)}), "graded", 10),
    "s29-stderr": (nb(answers={"attend_answer": "import sys\n" + SOL["attend_answer"].replace(
        '"""\n', '"""\n    print("debug: attend called", file=sys.stderr)\n', 2)}), "graded", 10),
    # cheats: none gains a point
    "s30-import-reference": (nb(solved=False, after={"setup": "from solutions import *\n"}), "graded", 0),
    "s31-import-autograder": (nb(solved=False, after={"setup": "import autograder.judge.check\n"}), "graded", 0),
    "s32-read-reference": (nb(solved=False, after={"setup": "exec(open('/work/main/solutions/ch02_dot_product.py').read())\n"}), "graded", 0),
    "s33-read-others": (nb(solved=False, after={"setup": "import glob\nfor p in [f for top in ('/work', '/tmp', '/home', '/root') for f in glob.glob(top + '/**', recursive=True)]:\n    print(p)\n"}), "graded", 0),
    "s34-patch-numpy": (nb(answers=WRONG, after={"setup": PATCH_NUMPY}), "graded", 0),
    "s35-patch-builtins": (nb(answers=WRONG, after={"setup": PATCH_BUILTINS}), ("timeout", "crashed"), 0),
    "s36-numpy-shadow": ({**nb(answers=WRONG, after={"intro": SHADOW}), "numpy.py": "def allclose(*a, **k):\n    return True\n"}, "graded", 0),
    "s37-forged-report": (nb(solved=False, answers={"softmax_answer": FORGED}), "graded", 0),
    "s38-fake-solutions-module": (nb(after={"setup": "import sys, types\nsys.modules['solutions'] = types.ModuleType('solutions')\n"}), "flagged", 0),
    "s39-exec-defined": (nb(answers={"dot_product_score_answer": EXEC_SOLUTION}), "flagged", 0),
    # nothing usable
    "s40-no-notebook": ({"answers.py": "def softmax(x): pass\n", "report.pdf": b"%PDF-1.4"}, "missing", 0),
}
assert len(CLASS) == 40


def status_expected(sid, status):
    """Is ``status`` what the class's student ``sid`` should get? (A few may get either of two.)"""
    want = CLASS[sid][1]
    return status in want if isinstance(want, tuple) else status == want


def write_class(folder, students=None):
    """Write the class (or the named students) as ``folder/<student>/<files>``; return folder."""
    for sid, (files, _, _) in CLASS.items():
        if students is not None and sid not in students:
            continue
        for rel, content in files.items():
            path = folder / sid / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
    return folder
