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
- ``course.py``: an nbgrader course directory (config with ProbeCheck after Execute,
  ``OverwriteCells.add_missing_cells``) and a simple sequential ``autograde``; without a
  sandbox the kernel starts in a scratch directory without ``PYTHONPATH``.

Grading a class: ``__main__.py`` (``python -m autograder grade|build``),
``intake.py``, ``sandbox.py``, ``execute.py``, ``task.py``, ``batch.py``, ``report.py``.
"""
