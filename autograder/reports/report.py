"""OUT/report.html: the class at a glance, one self-contained file that works offline.

A histogram of scores and the pass rate of each part (matplotlib, embedded as inline SVG),
a table of status counts, the list of flagged submissions (every status but ``graded``,
and graded ones with notes) each with its reason, the intake's rejected entries and the
files that matched no student; for an assignment with written answers graded by hand, the
students whose answers still wait for it. The page has no timestamps and no external
requests, so the same results give the same bytes.
"""

from __future__ import annotations

import html
import io

from autograder.model import Result, Status, count_statuses
from autograder.store.files import write_if_changed

PASSED = "passed"


def _svg(fig) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "report", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def figures(results: list[Result], spec) -> tuple[str, str, dict[str, float]]:
    """The class's scores and parts, drawn.

    Parameters
    ----------
    results : list of Result
        One per student.
    spec : autograder.assignments.Assignment

    Returns
    -------
    hist : str
        The histogram of the scores of the submissions (inline SVG).
    bars : str
        The pass rate of each part (inline SVG).
    rates : dict of str to float
        Each part's percentage of submissions with full points.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    total = float(spec.total_points)
    handed = [r for r in results if r.status is not Status.MISSING]
    scores = [float(r.score) for r in handed]
    fig, ax = plt.subplots(figsize=(6, 3))
    bins = [x - 0.5 for x in range(int(total) + 2)] if total <= 40 else 20
    ax.hist(scores, bins=bins, color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"score (out of {total:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{spec.id}: scores of {len(scores)} submission(s)")
    hist = _svg(fig)
    plt.close(fig)

    names = [p.id for p in spec.parts]
    rates = []
    for pid in names:
        full = sum(1 for r in handed if pid in r.parts and r.parts[pid].score >= r.parts[pid].max_score > 0)
        rates.append(100.0 * full / len(handed) if handed else 0.0)
    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * len(names)))
    ax.barh(names[::-1], rates[::-1], color="#55a868")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of submissions with full points")
    for y, rate in enumerate(rates[::-1]):
        ax.text(min(rate + 1, 90), y, f"{rate:.0f}%", va="center")
    ax.set_title("pass rate of each part")
    bars = _svg(fig)
    plt.close(fig)
    return hist, bars, dict(zip(names, rates))


def manual_section(results: list[Result], manual_cells: dict[str, float] | None, manual: dict | None,
                   auto_points: float) -> str:
    """The report's "Graded by hand" section.

    Parameters
    ----------
    results : list of Result
        One per student.
    manual_cells : dict of str to float or None
        The cells graded by hand (in formgrader), with their points.
    manual : dict or None
        :func:`autograder.store.gradebook.manual_grades`.
    auto_points : float
        The points of the automatic parts.

    Returns
    -------
    str
        HTML: the points of those cells and who still waits for them; "" when there are none.
    """
    from autograder.store.gradebook import manual_points

    if not manual_cells:
        return ""
    esc = html.escape
    points = sum(manual_cells.values())
    waiting = []
    for r in sorted(results, key=lambda r: r.student_id):
        given, ungraded = manual_points(manual_cells, (manual or {}).get(r.student_id))
        if ungraded:
            waiting.append(f"<li>{esc(r.student_id)}: {ungraded:g} point(s) to grade"
                           + (f", {given:g} given" if given is not None else "") + "</li>")
    todo = (f"<p>{len(waiting)} student(s) still have points to be graded by hand:</p><ul id='manual-pending'>"
            + "".join(waiting) + "</ul>") if waiting else "<p id='manual-pending'>Every answer has been graded.</p>"
    return (f"<h2>Graded by hand</h2><p>{len(manual_cells)} written answer(s) worth {points:g} point(s) are graded by "
            f"hand in formgrader, and are not in the scores above (out of {auto_points:g}); grades.csv shows "
            f"them in <code>manual_score</code> and <code>manual_ungraded</code>.</p>{todo}")


def page_head(title: str) -> str:
    """The start of a report page, up to and with ``<body>``: its title and the one style sheet.

    Parameters
    ----------
    title : str
        The page's title (plain text; escaped here).

    Returns
    -------
    str
    """
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}}
figure{{margin:1em 0}}</style></head><body>"""


def render(results: list[Result], spec, rejected: list[str] | tuple = (), manual_cells: dict[str, float] | None = None,
           manual: dict | None = None) -> str:
    """The class report's HTML.

    Parameters
    ----------
    results : list of Result
        One per student.
    spec : autograder.assignments.Assignment
    rejected : list of str
        The intake's rejected entries and the files that matched no student.
    manual_cells, manual
        As for :func:`manual_section`.

    Returns
    -------
    str
    """
    esc = html.escape
    hist, bars, rates = figures(results, spec)
    counts = count_statuses(r.status for r in results)
    graded = [r for r in results if r.status is not Status.MISSING]
    mean = sum(r.score for r in graded) / len(graded) if graded else 0.0
    flagged = [r for r in sorted(results, key=lambda r: r.student_id) if r.status is not Status.GRADED or r.notes]
    rows = "".join(
        f"<tr class='status-{esc(r.status.value)}'><td>{esc(r.student_id)}</td><td>{esc(r.status.value)}</td>"
        f"<td>{r.score:g} / {r.max_score:g}</td>"
        f"<td>{'<br>'.join(esc(n) for n in r.notes) or esc(r.status.description)}</td></tr>"
        for r in flagged)
    status_rows = "".join(f"<tr><td>{esc(s.value)}</td><td>{n}</td><td>{esc(s.description)}</td></tr>"
                          for s, n in counts.items())
    rate_rows = "".join(f"<tr><td>{esc(p)}</td><td>{rate:.0f}%</td></tr>" for p, rate in rates.items())
    rejected_html = ("<h2>Rejected or unmatched entries</h2><ul>" + "".join(f"<li>{esc(x)}</li>" for x in rejected) + "</ul>"
                     if rejected else "")
    return page_head(f"Grading report: {spec.id}") + f"""
<h1>Grading report: {esc(spec.id)}</h1>
<p>{len(results)} student(s); {len(graded)} with a notebook; mean score {mean:.2f} / {spec.total_points:g}.</p>
<h2>Scores</h2><figure id="histogram">{hist}</figure>
<h2>Parts</h2><figure id="pass-rates">{bars}</figure>
<table><tr><th>part</th><th>full points</th></tr>{rate_rows}</table>
<h2>Status</h2><table><tr><th>status</th><th>students</th><th>meaning</th></tr>{status_rows}</table>
<h2>Flagged submissions</h2>
<p>Every submission whose status is not <code>graded</code>, or that has a note.</p>
<table id="flagged"><tr><th>student</th><th>status</th><th>score</th><th>reason</th></tr>{rows}</table>
{manual_section(results, manual_cells, manual, spec.total_points)}
{rejected_html}
</body></html>
"""


def write_report(path, results: list[Result], spec, rejected: list[str] | tuple = (),
                 manual_cells: dict[str, float] | None = None, manual: dict | None = None) -> bool:
    """Write :func:`render`'s page to ``path`` unless it holds that already.

    Parameters
    ----------
    path : Path
        Where (``OUT/report.html``).
    results, spec, rejected, manual_cells, manual
        As for :func:`render`.

    Returns
    -------
    bool
        What :func:`autograder.store.files.write_if_changed` returns.
    """
    return write_if_changed(path, render(results, spec, rejected, manual_cells, manual))
