"""The feedback page's HTML exporter: nbconvert's ``HTMLExporter``, the same page, cheaper.

nbconvert's ``HTMLExporter`` renders the template, then parses the whole page again with
BeautifulSoup to give ``alt`` text to images that have none and ``tabindex`` to the cells of
JupyterLab-style templates; that second pass cost about two thirds of a feedback page
(0.23 CPU-s a notebook, most of it parsing the inline CSS of nbgrader's feedback template).
`FeedbackExporter` renders the same template and makes the same two changes without
re-parsing the page:

- images without ``alt`` get nbconvert's text, by a regular expression on ``<img`` tags
  (the page is our own template's output, not arbitrary HTML: outputs' HTML is escaped or
  sanitised by the template);
- ``tabindex`` applies only to JupyterLab's class names (``jp-Cell-inputWrapper``,
  ``jp-OutputArea-output``), which nbgrader's classic-based feedback template does not use;
  a page that has them goes through nbconvert's own pass.

The code cells' syntax highlighting is cached (most cells are the same for every student:
given code and tests), `HIGHLIGHT_CACHE` entries at most, so memory stays flat.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from nbconvert.exporters import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

HIGHLIGHT_CACHE = 512
NO_ALT = "No description has been provided for this image"  # nbconvert's own words
_IMG = re.compile(r"<img\b(?![^>]*\balt\s*=)", re.IGNORECASE)
_LAB_CLASSES = ("jp-Cell-inputWrapper", "jp-OutputArea-output")


class CachedHighlight(Highlight2HTML):
    """nbconvert's highlighting filter, remembering the last `HIGHLIGHT_CACHE` cells it coloured."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._cache = OrderedDict()

    def __call__(self, source, language=None, metadata=None):
        magics = metadata.get("magics_language") if metadata else None
        key = (source, language or self.pygments_lexer, magics)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        html = super().__call__(source, language, metadata)
        self._cache[key] = html
        if len(self._cache) > HIGHLIGHT_CACHE:
            self._cache.popitem(last=False)
        return html


class FeedbackExporter(HTMLExporter):
    """``HTMLExporter`` with its BeautifulSoup pass replaced (see the module docstring)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._highlights = {}  # pygments lexer -> its CachedHighlight

    def from_notebook_node(self, nb, resources=None, **kw):
        """Convert as ``HTMLExporter`` does, highlighting through a cache and with no BeautifulSoup pass.

        A page that uses JupyterLab's own classes goes through ``HTMLExporter``'s whole pass.
        Images without alt text get :data:`NO_ALT`.
        """
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        if lexer not in self._highlights:
            self._highlights[lexer] = CachedHighlight(pygments_lexer=lexer, parent=self)
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", self._highlights[lexer])
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        if any(name in html for name in _LAB_CLASSES):
            return super().from_notebook_node(nb, resources, **kw)
        return _IMG.sub(f'<img alt="{NO_ALT}"', html), resources
