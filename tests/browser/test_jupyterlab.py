"""A failing visible check, as a student sees it in a real JupyterLab and Notebook 7.

JupyterLab, then Notebook 7 (the classic Notebook's successor), is started on 127.0.0.1 with
a token, in a temporary folder holding two notebooks of exercise 3, and opened in headless
Chromium. Both render the kernel's error message, whose ``traceback`` IPython fills from
``_render_traceback_`` (VS Code renders the same field; it is not tested here). In the first, ``self_attention``
takes the softmax over the rows: "Run All Cells" must show the part, what was expected, what
came back and the hint, and no frame of the course's checks (``check_close``, ``_fail``).
In the second, the student's own ``qkv`` raises (numpy's ``ValueError``): that error keeps its
full traceback.
"""

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.grading.downloads import mistake, notebook
from tests.grading.servers import jupyter

pytestmark = pytest.mark.slow

A3 = "03-matrix-form"
RUN_MS = 120_000  # a kernel start plus every cell of the notebook


#: The two front ends: JupyterLab, and Notebook 7 (the classic Notebook's successor, built on
#: JupyterLab's components): (jupyter command, its app's options, the path that opens a notebook).
APPS = {
    "lab": ("lab", ["--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
                    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"], "lab/tree"),
    "notebook": ("notebook", ["--JupyterNotebookApp.expose_app_in_browser=True"], "notebooks"),
}


@pytest.fixture(scope="module", params=list(APPS))
def lab(request, tmp_path_factory):
    """(base URL, token, path that opens a notebook) of a Jupyter front end serving a folder with
    wrong.ipynb and raises.ipynb."""
    app, options, opens = APPS[request.param]
    base = tmp_path_factory.mktemp(app)
    work, home = base / "work", base / "home"
    work.mkdir()
    (work / "wrong.ipynb").write_text(notebook(A3, mistake(A3, "sa-softmax-rows")), encoding="utf-8")
    raises = {"qkv_answer": "def qkv(I, Wq, Wk, Wv):\n    return Wq @ I, Wk @ I, Wv @ I.T\n"}  # numpy raises
    (work / "raises.ipynb").write_text(notebook(A3, raises), encoding="utf-8")
    with jupyter(app, work, home, *options) as (url, token):  # settings and workspaces under home
        yield url, token, opens


@pytest.fixture(scope="module")
def browser(playwright):
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield b
    b.close()


#: The notebook panel that shows the file ``path``, or undefined (the start of each function below).
PANEL_JS = """
  const nb = window.jupyterapp &&
    [...window.jupyterapp.shell.widgets('main')].find(w => w.context && w.context.path === path && w.content);
"""

#: True once the notebook's kernel is idle and no code cell is queued or running ("[*]").
DONE_JS = "path => {" + PANEL_JS + """
  if (!nb || !nb.sessionContext) return false;
  const kernel = nb.sessionContext.session && nb.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const prompts = [...nb.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && !prompts.some(p => p.textContent.includes('*'));
}"""

#: Runs every cell of the notebook, once its kernel is ready.
RUN_ALL_JS = "async path => {" + PANEL_JS + """
  await nb.sessionContext.ready;
  window.jupyterapp.shell.activateById(nb.id);
  await window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""

#: Per code cell with an error output: its first line and the error's rendered text.
ERRORS_JS = "path => {" + PANEL_JS + """
  return [...nb.content.widgets]
    .filter(cell => cell.model.type === 'code')
    .map(cell => ({first: cell.model.sharedModel.getSource().split('\\n')[0],
                   errors: [...cell.node.querySelectorAll(
                       '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                     .map(e => e.textContent)}))  // innerText is '' for a cell scrolled out of view
    .filter(cell => cell.errors.length);
}"""


def run_all(browser, lab, name):
    """Open ``name`` in JupyterLab, run all its cells, wait until done; return ERRORS_JS's list."""
    url, token, opens = lab
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{url}/{opens}/{name}?token={token}")
        page.wait_for_function(DONE_JS, arg=name, timeout=RUN_MS)  # open, and its kernel started
        page.evaluate(RUN_ALL_JS, name)
        page.wait_for_function(DONE_JS, arg=name, timeout=RUN_MS)
        return page.evaluate(ERRORS_JS, name)
    finally:
        context.close()


def test_a_failing_check_shows_part_expected_got_and_hint_without_a_traceback(browser, lab):
    errors = run_all(browser, lab, "wrong.ipynb")
    assert len(errors) == 1, errors  # run-all stops at the first error: the test cell of part 3
    cell = errors[0]
    assert cell["first"].startswith("# Part 3 ("), cell
    text = "\n".join(cell["errors"])
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "Part 3: a check failed.", text
    assert lines[1] == "the column sums of A′ should be", text
    assert lines[2] == "[1. 1. 1. 1.]", text
    assert lines[3] == "but yours is", text
    assert lines[5] == "Hint: A′ is the softmax of each column of A (axis=0): did you normalise the rows?", text
    assert len(lines) == 6, text
    for frame in ("check_close", "_fail", "check_shape", "Traceback", "File ", "Cell In", "CheckFailed"):
        assert frame not in text, f"{frame!r} in the rendered error:\n{text}"


def test_an_error_in_the_students_own_code_keeps_its_traceback(browser, lab):
    errors = run_all(browser, lab, "raises.ipynb")
    assert len(errors) == 1, errors
    assert errors[0]["first"].startswith("# Part 1 ("), errors[0]
    text = "\n".join(errors[0]["errors"])
    assert "ValueError" in text and "matmul" in text, text
    assert "in qkv" in text and "Wv @ I.T" in text, text  # the student's own frame and line
    assert "a check failed" not in text, text
