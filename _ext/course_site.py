"""Sphinx glue for the course website (loaded through ``local_extensions`` in _config.yml).

Every page links to the same page in the other edition: the English site is at the root,
the Chinese one in its zh/ folder (scripts/build_site.py builds both from one _toc.yml, so
every page name exists in both). A Chinese page not yet translated (``course_untranslated``
in zh/_config.yml) is the English page, marked as such at its top.

Every page that is a notebook (MyST Markdown with a kernelspec) offers its executed
``.ipynb`` in the download menu, beside the ``.md`` source. sphinx-book-theme only does
this when a launch service (Binder, JupyterHub, Colab, thebe) is configured, and the
course configures none, because a launch service is another host.
"""

import shutil
from pathlib import Path


def offer_ipynb_download(app, pagename, templatename, context, doctree):
    """Copy the executed notebook of a notebook page to _sources/ and tell the theme."""
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


#: For each edition: the other one, its folder seen from this edition's root, the link's text.
EDITIONS = {
    "en": {"other": "zh-CN", "root": "zh/", "text": "中文", "title": "本页的中文版"},
    "zh": {"other": "en", "root": "../", "text": "English", "title": "This page in English"},
}
UNTRANSLATED_NOTE = ('<div class="admonition note edition-untranslated" lang="zh-CN">'
                     '<p class="admonition-title">本页尚未翻译</p>'
                     '<p>本页暂时只有英文版，内容与英文版相同。</p></div>')


def other_edition_url(edition, pagename):
    """The URL of the same page in the other edition, relative to this page."""
    up = "../" * pagename.count("/")
    return f"{up}{EDITIONS[edition]['root']}{pagename}.html"


def link_other_edition(app, pagename, templatename, context, doctree):
    """Put a link to the other edition's page at the top of the article (and in <head>)."""
    if doctree is None or "body" not in context:
        return
    edition = app.config.course_edition
    other = EDITIONS[edition]
    url = other_edition_url(edition, pagename)
    link = (f'<p class="edition-switch"><a href="{url}" hreflang="{other["other"]}" lang="{other["other"]}" '
            f'title="{other["title"]}">{other["text"]}</a></p>')
    body = context["body"]
    if pagename in app.config.course_untranslated:
        body = f'{UNTRANSLATED_NOTE}<div lang="en">{body}</div>'
    context["body"] = link + body
    context["metatags"] = context.get("metatags", "") + (
        f'<link rel="alternate" hreflang="{other["other"]}" href="{url}">\n')


def setup(app):
    app.add_config_value("course_edition", "en", "html", types=[str])
    app.add_config_value("course_untranslated", [], "html", types=[list])
    app.connect("html-page-context", link_other_edition)
    # Before sphinx-book-theme's add_header_buttons (priority 501) builds the menu.
    app.connect("html-page-context", offer_ipynb_download, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
