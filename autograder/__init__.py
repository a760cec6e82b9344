"""The exercises and the grader of the self-attention course.

The packages follow a submission through grading, and each imports only from the lines
above its own in this map (``tests/package/test_layout.py`` checks the map against the tree
and the imports against the order: no cycle, no import from a later stage).

- ``model.py``: what grading produces: ``Status`` (the status words; their order is the status
  rule) and the typed ``Result`` of one student, with its parts, as the journal's JSON.
- ``errors.py``: ``GraderError``, the base of every error a user can cause.
- ``assignments/``: the exercise specs, one module per assignment (the format is in its
  ``__init__.py``); ``visible.py``: the checks the visible tests call (copied into every
  notebook); ``sections.py``: where the book teaches each answer function;
  ``finite_differences.py``: the judge of a backward pass, built from its forward pass;
  ``zh.py``: the Chinese words of the notebooks (``TEXTS``).
- ``judge/``: did the student's functions give the reference's results?
  ``probe.py`` runs them on the hidden inputs in the student's kernel and judges nothing;
  ``compare.py`` runs a case and says how two results differ; ``families.py`` names the
  family of a wrong answer; ``check.py`` is ``ProbeCheck``, the nbgrader preprocessor that judges every part.
- ``sandbox/``: where student code runs. ``limits.py`` (what a kernel may use),
  ``bwrap.py`` (the bubblewrap command), ``uids.py`` (a uid per kernel), ``zygote.py`` and
  ``zygote_main.py`` (kernels forked from a pre-imported one), ``resources.py`` (a worker's
  uid lease and zygotes), ``kernel.py`` (the sandboxed kernel manager; the one way a notebook
  reaches a kernel), ``scratch.py`` (kernels without a sandbox), ``lifetime.py`` (nothing
  outlives the grader).
- ``authoring/``: ``build.py`` writes the source and student notebooks
  (``python -m autograder build``); ``course.py`` is the stock nbgrader course
  (``python -m autograder course DIR``). The source notebooks, hidden tests included, are
  in ``source/<assignment>/``.
- ``intake/``: ``lms.py`` (the layouts of LMS downloads, identities and safe ids),
  ``zipnames.py`` (zip entry names in legacy code pages), ``intake.py`` (one submission
  per student), ``roster.py`` (the LMS's class list).
- ``store/``: ``files.py`` (atomic writes and locks), ``csv_safe.py`` (CSV cells that
  cannot start a formula), ``outdir.py`` (``OutDir``: every path under OUT), ``journal.py``
  (one result per student), ``gradebook.py`` (nbgrader's gradebook), ``prepare.py`` (OUT set
  up as an nbgrader course).
- ``reports/``: ``grades_csv.py``, ``feedback.py`` (the feedback page's HTML),
  ``report.py`` (the class report), ``moodle_worksheet.py`` (Moodle's offline grading
  worksheet), ``export.py`` (a class's grades for the LMS), ``similarity.py`` (pairs of
  students whose answers look alike).
- ``run/``: ``progress.py`` (the progress line), ``context.py`` (``RunConfig``, a run's
  settings; ``WorkerContext``, what a worker keeps between students), ``execute.py`` (one notebook in a
  kernel, with every limit), ``task.py`` (one student, start to end), ``pool.py`` and
  ``cluster.py`` (the workers: processes or Dask), ``batch.py`` (a whole class).
- ``cli.py``: ``python -m autograder grade|export|similarity|build|course`` and the console script
  ``self-attention-grader`` (``__main__.py`` calls it).

Importing this package keeps jsonschema from loading ``rfc3987_syntax`` (``sys.modules``
entry set to None, which jsonschema takes as "not installed"): that module builds a parser
when imported, about 3 CPU-s paid by every process that imports nbformat (a grading run has
two: the parent and the workers' forkserver), and it serves only jsonschema's ``iri``
format check, which nbformat never uses.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
