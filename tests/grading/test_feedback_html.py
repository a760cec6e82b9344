"""The feedback exporter gives nbconvert's page, without nbconvert's second parse of it."""

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.run import task
from autograder.reports.feedback import NO_ALT
from tests.conftest import ROOT

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000000000500010d0a2db40000000049454e44ae426082")).decode()


def _notebooks():
    source = nbformat.read(ROOT / "autograder" / "source" / "02-dot-product" / "dot_product.ipynb", as_version=4)
    for cell in source.cells:  # as task.feedback_page leaves them
        meta = cell.metadata.get("nbgrader") or {}
        if meta.get("grade"):
            meta["score"] = 1.0
        if meta.get("solution"):
            meta["comment"] = None
    figure = new_notebook(cells=[
        new_markdown_cell("A figure with no alt text, and one with: ![a dot](data:image/png;base64," + PNG + ")"),
        new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]),
        new_code_cell("x = 1  # the same source twice: the second comes from the cache"),
        new_code_cell("x = 1  # the same source twice: the second comes from the cache"),
    ])
    return [source, figure]


@pytest.mark.parametrize("nb", _notebooks(), ids=["assignment", "figure"])
def test_same_page_as_nbconverts_html_exporter(nb):
    ours = task.feedback_exporter()
    stock = HTMLExporter(config=ours.config)
    resources = {"nbgrader": {"notebook": "dot_product", "score": 1, "max_score": 2, "late_penalty": 0,
                              "student": "alice", "assignment": "02-dot-product"}}
    for _ in range(2):  # the second time through the highlighting cache
        mine, _ = ours.from_notebook_node(nb, resources=dict(resources))
        theirs, _ = stock.from_notebook_node(nb, resources=dict(resources))
        # nbconvert's page is what BeautifulSoup prints back: compare after the same round trip
        assert str(BeautifulSoup(mine, "html.parser")) == theirs
    if "image/png" in str(nb):
        assert NO_ALT in mine
