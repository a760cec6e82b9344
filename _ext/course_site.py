"""Sphinx glue for the course website (loaded through ``local_extensions`` in _config.yml).

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


def setup(app):
    # Before sphinx-book-theme's add_header_buttons (priority 501) builds the menu.
    app.connect("html-page-context", offer_ipynb_download, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
