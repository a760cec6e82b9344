"""Where the book teaches each answer function: the section's link and its name.

The class report (``export``) and each student's feedback page send a mistake back to the
section of the chapter that teaches the function it was made in: ``spec.sections`` maps a
function to the MyST label above that section's heading in ``book/<page>.md``. A link is
``<site>/book/<page>.html#<label>``; with no site, it is the page's path relative to the
site's root, and its text still names the chapter and the section.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Superscripts of the headings' simple math ($A = K^T Q$ reads "A = KᵀQ" as text).
_SUPERSCRIPTS = dict(zip("0123456789ijkmnT", "⁰¹²³⁴⁵⁶⁷⁸⁹ⁱʲᵏᵐⁿᵀ"))


def _math_as_text(tex):
    """The simple TeX of a heading as plain text: superscripts, primes; the rest as written."""
    text = re.sub(r"\^\{?([0-9ijkmnT])\}?", lambda m: _SUPERSCRIPTS[m.group(1)], tex)
    text = re.sub(r"([A-Za-z])\^?'", "\\1′", text)
    text = re.sub(r"\\sqrt\{([^{}]*)\}", "√\\1", text)
    return re.sub(r"(?<=[A-Za-z′ᵀ]) (?=[A-Z]\b)", "", text) if "=" in text else text


def section_title(page: str, label: str) -> str | None:
    """The heading under a MyST label, as plain text.

    Parameters
    ----------
    page : str
        The page's name, ``"ch03-matrix-form"`` for ``book/ch03-matrix-form.md``.
    label : str
        The label written ``(label)=`` above the heading.

    Returns
    -------
    str or None
        The heading's text, its simple math written as text; ``None`` when the page cannot
        be read or has no such label.
    """
    try:
        text = (ROOT / "book" / f"{page}.md").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(rf"^\({re.escape(label)}\)=\s*\n#+\s+(.+)$", text, re.MULTILINE)
    if not m:
        return None
    return re.sub(r"\$([^$]+)\$", lambda x: _math_as_text(x.group(1)), m.group(1)).strip()


def section_link(spec, function: str, site: str | None = None) -> tuple[str, str]:
    """The link to the book section that teaches a function.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment (its ``sections``, ``page`` and chapter).
    function : str
        An answer function.
    site : str, optional
        The site's URL; without it the URL is relative to the site's root.

    Returns
    -------
    tuple of (str, str)
        ``(URL, text)``: the section's anchor and "Chapter n, <heading>" when the label is
        found, else the chapter's page and "Chapter n: <title>".
    """
    label = spec.sections.get(function)
    page = f"book/{spec.page}.html"
    url = f"{site.rstrip('/')}/{page}" if site else page
    title = section_title(spec.page, label) if label else None
    if title:
        return f"{url}#{label}", f"Chapter {spec.chapter}, {title}"
    return url, f"Chapter {spec.chapter}: {spec.chapter_title}"


def mistake_function(spec, part_id: str, mistake_id: str | None = None) -> str | None:
    """The function a named mistake of a part was made in.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    part_id : str
        The part whose cases the mistake failed.
    mistake_id : str, optional
        The id of a catalogued mistake, or of a family (or None).

    Returns
    -------
    str or None
        The catalogued mistake's own function; else the part's first function with a
        section (its first function if none has one); ``None`` for an unknown part.
    """
    if mistake_id:
        try:
            return spec.mistake(mistake_id).function
        except KeyError:
            pass
    try:
        functions = spec.part(part_id).functions
    except KeyError:
        return None
    return next((f for f in functions if f in spec.sections), functions[0] if functions else None)


def reread_links(spec, site: str | None = None) -> dict[str, list[str]]:
    """The links of every function of an assignment with a section, JSON-ready (for a task).

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    site : str, optional
        The site's URL (see :func:`section_link`).

    Returns
    -------
    dict
        ``{function: [URL, text]}``, in the order of the function names.
    """
    return {f: list(section_link(spec, f, site)) for f in sorted(spec.sections)}


def configured_site(config=ROOT / "_config.yml") -> str | None:
    """The site's URL from Jupyter Book's ``_config.yml``.

    It is ``sphinx: config: html_baseurl:``, else ``html: baseurl:`` (which Jupyter Book
    passes to Sphinx as ``html_baseurl``).

    Parameters
    ----------
    config : str or Path, default the repository's ``_config.yml``
        The file to read.

    Returns
    -------
    str or None
        The URL; ``None`` when it is not set, the file cannot be read or parsed, or PyYAML
        is not installed.
    """
    try:
        import yaml
    except ImportError:  # installed without PyYAML: no site to read
        return None
    try:
        data = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    html = _table(_table(data).get("html"))
    sphinx_config = _table(_table(_table(data).get("sphinx")).get("config"))
    url = str(sphinx_config.get("html_baseurl") or html.get("baseurl") or "").strip()
    return url or None


def _table(x):
    return x if isinstance(x, dict) else {}
