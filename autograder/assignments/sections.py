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


def section_title(page, label):
    """The heading under ``(label)=`` in ``book/<page>.md`` as plain text, or None."""
    try:
        text = (ROOT / "book" / f"{page}.md").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(rf"^\({re.escape(label)}\)=\s*\n#+\s+(.+)$", text, re.MULTILINE)
    if not m:
        return None
    return re.sub(r"\$([^$]+)\$", lambda x: _math_as_text(x.group(1)), m.group(1)).strip()


def section_link(spec, function, site=None):
    """(URL, text) of the book section that teaches ``function``; the URL is relative to the
    site's root when ``site`` is None."""
    label = spec.sections.get(function)
    page = f"book/{spec.page}.html"
    url = f"{site.rstrip('/')}/{page}" if site else page
    title = section_title(spec.page, label) if label else None
    if title:
        return f"{url}#{label}", f"Chapter {spec.chapter}, {title}"
    return url, f"Chapter {spec.chapter}: {spec.chapter_title}"


def mistake_function(spec, part_id, mistake_id=None):
    """The function a named mistake of part ``part_id`` was made in: the catalogued mistake's
    own, else the part's first function with a section."""
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


def reread_links(spec, site=None):
    """{function: [URL, text]} for every function of ``spec`` with a section (JSON-ready, for a task)."""
    return {f: list(section_link(spec, f, site)) for f in sorted(spec.sections)}


def configured_site(config=ROOT / "_config.yml"):
    """The site's URL from Jupyter Book's ``_config.yml`` (``html: baseurl:``, which Jupyter Book
    passes to Sphinx as ``html_baseurl``; or ``sphinx: config: html_baseurl:``), or None."""
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
