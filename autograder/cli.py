"""``python -m autograder`` (or ``self-attention-grader``): grade a class, export its grades,
build the exercise notebooks, or write a stock nbgrader course.

    python -m autograder grade ASSIGNMENT SUBMISSIONS --out OUT [--jobs N] [--layout L] [--zip-encoding NAME]
                               [limits] [--no-sandbox]
                               [--scheduler tcp://HOST:PORT [--in-flight N]] [--db URL] [--book-url URL]
    python -m autograder export OUT [OUT ...] --to DIR [--roster CSV] [--site URL]
    python -m autograder similarity OUT [OUT ...] --to DIR [--threshold SHARE] [--rare SHARE] [--common SHARE]
    python -m autograder build [--check] [ASSIGNMENT ...]
    python -m autograder course DIR [ASSIGNMENT ...]
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from autograder.errors import GraderError
from autograder.intake.lms import LAYOUTS
from autograder.sandbox.limits import GiB, MiB, Limits

D = Limits()
_UNITS = {"": 1, "k": 1024, "m": MiB, "g": GiB}


def size(text: str) -> int:
    """A size option's value.

    Parameters
    ----------
    text : str
        ``2G``, ``512M``, ``64k``, ``1.5GiB`` or a number of bytes (the units are powers of 1024).

    Returns
    -------
    int
        The number of bytes.
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?[bB])?\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (examples: 2G, 512M, 65536)")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def positive(text: str) -> int:
    """A whole number of at least 1 (argparse's ``type``).

    Parameters
    ----------
    text : str

    Returns
    -------
    int
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def parser() -> argparse.ArgumentParser:
    """The command line's parser: one sub-command per command (``build`` only documents its own).

    Returns
    -------
    argparse.ArgumentParser
    """
    script = os.path.basename(sys.argv[0])  # self-attention-grader, or __main__.py under -m
    p = argparse.ArgumentParser(prog="python -m autograder" if script == "__main__.py" else script,
                                description="Grade a class, export its grades, build the notebooks, or write a "
                                            "stock nbgrader course.")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser(
        "grade", help="grade every student's notebook of one assignment",
        description="Grade a folder or .zip of submissions: a Moodle or Canvas download as it comes, or one "
                    "folder per student (<student>/<notebook>.ipynb or <student>/<assignment>/<notebook>.ipynb), "
                    "any name. Writes OUT/grades.csv, "
                    "OUT/feedback/<student>/<assignment>/<notebook>.html, OUT/report.html and the nbgrader "
                    "gradebook OUT/gradebook.db. Run it again after a kill: only what is missing or changed "
                    "is graded. Every student kernel runs in a bubblewrap sandbox: no network, no file of "
                    "the course, other students or the gradebook, and the limits below.",
)
    g.add_argument("assignment", metavar="ASSIGNMENT", help="assignment id, e.g. 02-dot-product")
    g.add_argument("submissions", metavar="SUBMISSIONS", help="folder or .zip of submissions")
    g.add_argument("--out", required=True, metavar="OUT", help="output folder (created; reused on a rerun)")
    g.add_argument("--jobs", type=positive, default=os.cpu_count() or 1,
                   help="notebooks graded at once, by long-lived worker processes (default: the number of cores)")
    far = g.add_argument_group("beyond one machine")
    far.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                     help="grade on a Dask cluster: hand each notebook to the workers of the Dask scheduler at "
                          "this address instead of to --jobs local processes. Every worker must have the same "
                          "grader installed and a working bubblewrap sandbox; they are checked before any "
                          "notebook is graded")
    far.add_argument("--in-flight", type=positive, metavar="N",
                     help="with --scheduler: notebooks handed to the cluster at once (default: twice the "
                          "cluster's worker threads); the others wait their turn")
    far.add_argument("--db", metavar="URL",
                     help="keep nbgrader's gradebook in this database, an SQLAlchemy URL such as "
                          "postgresql+psycopg://grader@db.example.org/course (default: SQLite in OUT/gradebook.db)")
    lim = g.add_argument_group("limits per student notebook")
    lim.add_argument("--memory", type=size, default=D.memory, metavar="BYTES",
                     help="address space of the kernel, e.g. 2G, 512M (default: 2 GiB); over it, allocations "
                          "raise MemoryError")
    lim.add_argument("--cpu", type=positive, default=D.cpu, metavar="SECONDS", help=f"CPU seconds of the kernel (default: {D.cpu}); then it is stopped")
    lim.add_argument("--cell-timeout", type=positive, default=D.cell_timeout, metavar="SECONDS",
                     help=f"wall-clock seconds per cell (default: {D.cell_timeout}); then the cell is interrupted "
                          "and the next one runs")
    lim.add_argument("--timeout", type=positive, default=D.wall, metavar="SECONDS",
                     help=f"wall-clock seconds for the whole notebook (default: {D.wall}); then the kernel is stopped")
    lim.add_argument("--procs", type=positive, default=D.procs, metavar="N", help=f"processes and threads of the kernel (default: {D.procs})")
    lim.add_argument("--max-output", type=size, default=D.output, metavar="BYTES",
                     help="output kept per notebook (default: 1 MiB); the rest is cut")
    lim.add_argument("--disk", type=size, default=D.disk, metavar="BYTES",
                     help="size of the kernel's writable folders (/tmp and its working folder) and of any file "
                          "it writes (default: 64 MiB)")
    g.add_argument("--book-url", metavar="URL", default=None,
                   help="address of the course website: each failed part whose mistake is named gets a line "
                        "\"Reread: Chapter N, <section>\" on the student's feedback page, linked to that section "
                        "(default: html.baseurl of the book's _config.yml when it is set; else the link is the "
                        "page's path relative to the site, e.g. book/ch03-matrix-form.html#ch03-scores)")
    g.add_argument("--layout", choices=LAYOUTS, default=None,
                   help="how SUBMISSIONS is organised: a Moodle download (moodle), a Canvas download (canvas) or one "
                        "folder per student (folders); detected when not given")
    g.add_argument("--zip-encoding", metavar="NAME", default=None,
                   help="encoding of the file names in a .zip SUBMISSIONS that lack the zip's UTF-8 flag (older "
                        "Windows tools and WinRAR write them in the machine's code page), e.g. gbk, cp1252, cp437, "
                        "shift_jis; default: UTF-8 when they are valid UTF-8, else detected over all the names "
                        "(the closing summary says when it was a guess)")
    g.add_argument("--no-sandbox", action="store_true",
                   help="UNSAFE: run student code without bubblewrap (it could read the reference solutions, "
                        "other students' work and the gradebook). Only for machines without bubblewrap.")
    e = sub.add_parser(
        "export", help="one class's grades across assignments: grades.csv, canvas.csv, moodle.csv, report.html, "
             "and a Moodle grading worksheet per assignment graded from a Moodle download",
        description="Read one OUT folder per assignment (written by grade) and write DIR/grades.csv (one row per "
                    "student: identity, one score column per assignment headed by its id, total), DIR/canvas.csv "
                    "(Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then the "
                    "assignments), DIR/moodle.csv (Moodle's grade import: Full name, Email address, ID number, the "
                    "participant id of each assignment, then the assignments) and DIR/report.html (the class's most "
                    "common mistakes with the chapter section that reteaches each, and every assignment's scores).",
    )
    e.add_argument("outs", nargs="+", metavar="OUT", help="output folder of one assignment's grade run")
    e.add_argument("--to", required=True, metavar="DIR", help="where to write the files (created)")
    e.add_argument("--roster", action="append", default=[], metavar="CSV",
                   help="the class list as the LMS exports its gradebook (Canvas: Student, ID, SIS User ID, SIS "
                        "Login ID, Section; Moodle: First name, Last name, ID number, Email address), to fill in the "
                        "ids a download lacks and list the students who handed in nothing; may be given again")
    e.add_argument("--site", metavar="URL", default=None,
                   help="address of the course website, for the report's links to the chapters (default: the "
                        "site built in this repository, _build/html)")
    sim = sub.add_parser(
        "similarity", help="pairs of students whose answers look alike: similarity.html, similarity.csv",
        description="Compare every student's answer cells with the same answers of the rest of the class "
                    "(copydetect's winnowing fingerprints; the released template and the code most of the class "
                    "wrote alike left out) and write DIR/similarity.html (the pairs, most alike first, each with "
                    "a side-by-side page, marked when both made a rare named mistake) and DIR/similarity.csv. "
                    "Similarity is a reason to look, not proof.")
    sim.add_argument("outs", nargs="+", metavar="OUT", help="output folder of one assignment's grade run")
    sim.add_argument("--to", required=True, metavar="DIR", help="where to write the report (created)")
    sim.add_argument("--threshold", type=float, default=0.5, metavar="SHARE",
                     help="list the pairs with an answer at least this alike, 0 to 1 (default: 0.5)")
    sim.add_argument("--rare", type=float, default=0.1, metavar="SHARE",
                     help="mark the pairs who share a named mistake that fewer than this share of the class "
                          "made, 0 to 1 (default: 0.1); such pairs are listed whatever their similarity")
    sim.add_argument("--common", type=float, default=0.2, metavar="SHARE",
                     help="leave out code that more than this share of the class (and at least 5 students) "
                          "wrote alike (default: 0.2)")
    b = sub.add_parser("build", help="generate the source and student notebooks (autograder/authoring/build.py)")
    b.add_argument("rest", nargs=argparse.REMAINDER, help="arguments of python -m autograder build (--check, ids)")
    add_course_parser(sub)
    return p


def add_course_parser(sub) -> None:
    """Add the ``course`` sub-command.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The parser's sub-parsers, from ``add_subparsers``.
    """
    c = sub.add_parser(
        "course", help="write a stock nbgrader course directory that applies the hidden checks",
        description="Write DIR/nbgrader_config.py and DIR/source/<assignment>/<notebook>.ipynb: an nbgrader "
                    "course for stock `nbgrader generate_assignment`, `autograde`, `generate_feedback`, "
                    "`export` and formgrader. Its autograde runs autograder.judge.check.ProbeCheck (the hidden "
                    "checks) after Execute, and its feedback leaves the hidden tests out; this package must "
                    "be installed where nbgrader runs. Stock nbgrader has no sandbox, no parallel batch and "
                    "no resuming of a killed run: `grade` has them. An existing DIR/nbgrader_config.py and "
                    "DIR/source/<assignment>/ are replaced.",
    )
    c.add_argument("dir", metavar="DIR", help="the course directory (created if missing)")
    c.add_argument("assignments", metavar="ASSIGNMENT", nargs="*", help="assignment ids (default: all)")


def course_command(args: argparse.Namespace) -> int:
    """``course DIR [ASSIGNMENT ...]``: write the course, say what was written and what comes next.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``course``.

    Returns
    -------
    int
        0 (an unknown assignment exits through argparse).
    """
    from autograder import assignments
    from autograder.authoring.course import write_course

    for aid in args.assignments:
        try:
            assignments.get(aid)
        except ValueError as exc:
            parser().error(str(exc))
    written = write_course(args.dir, args.assignments)
    for path in written:
        print(f"wrote {os.path.join(args.dir, path)}")
    print(f"Next, in {args.dir}: nbgrader generate_assignment ASSIGNMENT, then collect submissions into "
          "submitted/<student>/<assignment>/ and run nbgrader autograde ASSIGNMENT.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0, or a `GraderError`'s ``exit_code`` after its one line on stderr. A
        bad argument exits through argparse (status 2, with the usage).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["build"] and not {"-h", "--help"} & set(argv[1:2]):
        from autograder.authoring import build
        return build.main(argv[1:])  # its own options (--check, ids) are build's to parse
    args = parser().parse_args(argv)
    command = {"course": course_command, "export": export_command, "grade": grade_command,
               "similarity": similarity_command}[args.command]
    try:
        return command(args)
    except GraderError as exc:
        print(f"{parser().prog} {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code


def grade_command(args: argparse.Namespace) -> int:
    """``grade ASSIGNMENT SUBMISSIONS --out OUT ...``: grade the class, then print the closing summary.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``grade``.

    Returns
    -------
    int
        0 (a problem the user can fix raises `GraderError`).
    """
    from autograder import assignments
    try:
        assignments.get(args.assignment)
    except ValueError as exc:
        parser().error(str(exc))
    if not os.path.exists(args.submissions):
        parser().error(f"SUBMISSIONS {args.submissions} does not exist")
    if os.path.isfile(args.submissions) and not args.submissions.lower().endswith(".zip"):
        parser().error(f"SUBMISSIONS {args.submissions} is a file but not a .zip")
    if args.in_flight and not args.scheduler:
        parser().error("--in-flight needs --scheduler")
    if args.zip_encoding:
        from autograder.intake.zipnames import check_encoding

        check_encoding(args.zip_encoding)
        if not os.path.isfile(args.submissions):
            raise GraderError("--zip-encoding is for a .zip SUBMISSIONS; a folder's names are read as the system "
                              "gives them")
    if not args.no_sandbox:
        from autograder.sandbox.bwrap import check_sandbox

        check_sandbox()
    else:
        print("WARNING: --no-sandbox: student code runs unconfined (it can read the reference and other "
              "students' work).", file=sys.stderr)
    from autograder.run.batch import grade_class
    from autograder.run.context import RunConfig
    from autograder.sandbox.lifetime import contain
    from autograder.store.outdir import OutDir

    contain()  # from here on, every process of the run dies with this one (see autograder.sandbox.lifetime)

    limits = Limits(memory=args.memory, cpu=args.cpu, cell_timeout=args.cell_timeout, wall=args.timeout,
                    procs=args.procs, output=args.max_output, disk=args.disk)
    config = RunConfig(jobs=args.jobs, limits=limits, sandbox=not args.no_sandbox, layout=args.layout,
                       scheduler=args.scheduler, in_flight=args.in_flight, db_url=args.db,
                       zip_encoding=args.zip_encoding, book_url=_book_url(args.book_url))
    graded = grade_class(args.assignment, args.submissions, args.out, config)
    out = OutDir(args.out)
    print(graded.intake.closing(graded.results) + f". See {out.grades_csv} and {out.report}.")
    return 0


def _book_url(given: str | None) -> str | None:
    """``--book-url``, else the site's address in the book's ``_config.yml``, else None."""
    from autograder.assignments.sections import configured_site

    return given or configured_site()


def export_command(args: argparse.Namespace) -> int:
    """``export OUT [OUT ...] --to DIR``: write the class's files, say what was written.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``export``.

    Returns
    -------
    int
        0 (a problem the user can fix raises `GraderError`).
    """
    from autograder.reports.export import export

    written, notes = export(args.outs, args.to, site=args.site, rosters=args.roster)
    for note in notes:
        print(note if note.startswith("manual grading: ") else f"roster: {note}", file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def similarity_command(args: argparse.Namespace) -> int:
    """``similarity OUT [OUT ...] --to DIR``: the pairs of students whose answers look alike.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``similarity``.

    Returns
    -------
    int
        0 (a problem the user can fix raises `GraderError`).
    """
    from autograder.reports.similarity import similarity

    for name in ("threshold", "rare", "common"):
        if not 0 <= getattr(args, name) <= 1:
            parser().error(f"--{name} must be a share between 0 and 1, got {getattr(args, name)}")
    written, listed = similarity(args.outs, args.to, threshold=args.threshold, rare=args.rare, common=args.common)
    print(f"{listed} pair(s) listed; wrote " + ", ".join(str(p) for p in written))
    return 0
