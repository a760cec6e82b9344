"""What grading produces: the status words of a submission (more types follow)."""

# Status words, most important first: a submission gets the first that applies (`first_status`).
STATUSES = {
    "missing": "no usable notebook in the student's folder",
    "corrupt": "the notebook file could not be read (empty, not JSON, not a notebook, too large even without its outputs)",
    "flagged": "signs of cheating: no points (the reason is in the note)",
    "crashed": "the kernel died (os._exit, a segfault, ...); parts not reached score 0",
    "memory": "the memory cap was hit (MemoryError, or the kernel was killed)",
    "timeout": "a cell ran over the per-cell limit (interrupted) or the notebook over its wall-clock or CPU limit",
    "flooded": "the output went over its cap and was cut",
    "error": "the grader itself failed on this notebook (a bug: see the note)",
    "graded": "ran to the end; the score is the sum of the parts",
}
