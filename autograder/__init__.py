"""The exercises and the grader of the self-attention course.

Exercises:

- ``assignments/``: one spec module per assignment (parts, points, prose, visible tests,
  hidden cases, mistake catalogue); ``assignments.get(id)``; the spec format is documented
  in ``assignments/__init__.py``.
- ``build.py``: ``python -m autograder.build [--check]`` writes ``source/<id>/<name>.ipynb``
  (nbgrader source notebooks, answers taken from ``solutions/`` with inspect) and the student
  notebooks ``notebooks/<id>/<name>.ipynb`` (nbgrader generate_assignment, no outputs).
- ``probe.py``: the kernel-side probe embedded in every part's hidden tests; it runs the
  student's functions on the hidden inputs and reports the results, judging nothing.
- ``check.py``: ``ProbeCheck``, the nbgrader preprocessor after ``Execute`` that recomputes
  every hidden case with ``solutions/`` in the grading process, names catalogued mistakes,
  else the mistake's family (``families.py``: transformations of the reference), flags imported/exec'd answers, and rewrites the test cells' outputs (so stderr costs nothing).
- ``visible.py``: the checks the visible tests use (copied into each notebook's set-up cell).
- ``course.py``: a stock nbgrader course directory (``python -m autograder course DIR``:
  ``nbgrader_config.py`` with ProbeCheck after Execute, feedback without the hidden tests,
  and ``source/``) and a simple sequential ``autograde``; the kernel starts in a scratch
  directory, with no sandbox.

Grading a class: ``__main__.py`` (``python -m autograder grade|export|build|course``, also
the console script ``self-attention-grader``), ``lms.py`` (the layouts of LMS downloads,
student identities and safe ids), ``intake.py``, ``sandbox.py`` (with ``zygote.py`` and
``kernel_zygote.py``: kernels forked from a pre-imported one), ``execute.py``, ``task.py``
(with ``feedback_html.py``), ``batch.py``, ``report.py``; then ``export.py`` (the class
across assignments: grades for Canvas and Moodle, what to reteach) with ``roster.py`` (the
LMS's class list, to complete identities).

Importing this package keeps jsonschema from loading ``rfc3987_syntax`` (``sys.modules``
entry set to None, which jsonschema takes as "not installed"): that module builds a parser
when imported, about 3 CPU-s paid by every process that imports nbformat (a grading run has
two: the parent and the workers' forkserver), and it serves only jsonschema's ``iri``
format check, which nbformat never uses.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
