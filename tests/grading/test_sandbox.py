"""The sandbox itself, driven with jupyter_client: what a student kernel can and cannot do."""

import asyncio
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from autograder.sandbox import bwrap as sandbox
from autograder.sandbox.kernel import SandboxedKernelManager, place_notebook_code
from autograder.sandbox.limits import Limits
from autograder.sandbox.resources import SandboxResources

pytestmark = pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap is not installed")


@pytest.fixture(autouse=True, scope="module")
def resources():
    """A worker's sandbox resources (uids, zygotes) in a temporary folder, as one worker has them."""
    global RESOURCES
    folder = tempfile.mkdtemp(prefix="ag-")  # the kernel's socket folder is bound below it
    RESOURCES = SandboxResources(folder)
    yield RESOURCES
    RESOURCES.close()
    shutil.rmtree(folder, ignore_errors=True)


async def _start(limits=Limits(), notebook=None):
    """A sandboxed kernel, ready, with ``notebook`` (a host path) placed in its folder as the
    grader places it: (its manager, its client)."""
    km = SandboxedKernelManager(limits=limits, resources=RESOURCES)
    await km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
    except BaseException:
        await _stop(km, kc)
        raise
    km.seal()
    if notebook:
        code = place_notebook_code(Path(notebook).name, Path(notebook).read_text(encoding="utf-8"))
        reply = await kc.execute_interactive(code, silent=True, store_history=False, timeout=30)
        assert reply["content"]["status"] == "ok"
    return km, kc


async def _stop(km, kc):
    kc.stop_channels()
    await km.shutdown_kernel(now=True)


async def _execute(kc, code, timeout=30):
    """(status, text printed or raised) of running ``code`` in the kernel ("timeout": it did not end)."""
    texts = []

    def hook(msg):
        c = msg["content"]
        if msg["msg_type"] == "stream":
            texts.append(c["text"])
        elif msg["msg_type"] == "error":
            texts.append(f"{c['ename']}: {c['evalue']}")

    try:
        reply = await kc.execute_interactive(code, output_hook=hook, timeout=timeout)
    except TimeoutError:
        return "timeout", "".join(texts)
    return reply["content"]["status"], "".join(texts)


async def _run(snippets, limits=Limits(), notebook=None, timeout=30):
    """Run each snippet in one sandboxed kernel; [(status, text)] and the kernel's exit code."""
    km, kc = await _start(limits, notebook)
    results = []
    try:
        for code in snippets:
            results.append(await _execute(kc, code, timeout))
            if results[-1][0] == "timeout":
                break
    finally:
        process = km.provisioner.process
        await _stop(km, kc)
    return results, process.returncode


def run(snippets, **kw):
    return asyncio.run(_run(snippets, **kw))


@pytest.fixture
def secrets(tmp_path):
    """Files a student must not see: a gradebook, another student's notebook, a notebook of ours."""
    (tmp_path / "gradebook.db").write_text("grades")
    other = tmp_path / "submitted" / "bob" / "dot_product.ipynb"
    other.parent.mkdir(parents=True)
    other.write_text("bob's answers")
    mine = tmp_path / "alice" / "dot_product.ipynb"
    mine.parent.mkdir()
    mine.write_text('{"mine": true}')
    return tmp_path, mine


def test_kernel_sees_only_its_notebook_and_no_course_file(secrets):
    tmp, mine = secrets
    from tests.conftest import ROOT

    probes = [
        "import os; print(sorted(os.listdir('.')), os.getcwd())",
        f"open({str(ROOT / 'solutions' / '__init__.py')!r}).read()",
        f"open({str(tmp / 'gradebook.db')!r}).read()",
        f"open({str(tmp / 'submitted' / 'bob' / 'dot_product.ipynb')!r}).read()",
        "import solutions",
        "import autograder",
        "print(open('dot_product.ipynb').read())",
    ]
    results, _ = run(probes, notebook=str(mine))
    assert results[0] == ("ok", "['dot_product.ipynb'] /home/student\n")
    for status, text in results[1:4]:
        assert status == "error" and "No such file or directory" in text, text
    assert results[4][0] == "error" and "No module named 'solutions'" in results[4][1]
    assert results[5][0] == "error" and "No module named 'autograder'" in results[5][1]
    assert results[6] == ("ok", '{"mine": true}\n')


def test_no_network():
    results, _ = run([
        "import socket\ns = socket.socket()\ns.settimeout(3)\ns.connect(('127.0.0.1', 22))",
        "import socket\nsocket.getaddrinfo('pypi.org', 443)",
        "import socket\ns = socket.socket(); s.settimeout(3); s.connect(('1.1.1.1', 80))",
    ])
    for status, text in results:
        assert status == "error" and ("Connection refused" in text or "unreachable" in text
                                      or "resolution" in text or "Name or service" in text), text


# Student A leaves a mark in every folder it can write to, a listening socket and a process
# of its own; student B, whose kernel runs at the same time from the same worker, must find
# none of them.
MARK_EVERYWHERE = """
import os, socket, subprocess
marked = []
for root, dirs, files in os.walk('/'):
    dirs[:] = [d for d in dirs if os.path.join(root, d) not in ('/proc', '/sys')]
    try:
        with open(os.path.join(root, '.left-by-A'), 'w') as f:
            f.write('A')
        marked.append(root)
    except OSError:
        pass
listener = socket.socket(socket.AF_UNIX)
listener.bind('\\0left-by-A')
listener.listen()
daemon = subprocess.Popen(['sleep', '600'], start_new_session=True)
print(sorted(marked))
"""
FIND_MARKS = """
import os, socket
found = []
for root, dirs, files in os.walk('/'):
    dirs[:] = [d for d in dirs if os.path.join(root, d) not in ('/proc', '/sys')]
    found += [root for f in files if f == '.left-by-A']
s = socket.socket(socket.AF_UNIX)
try:
    s.connect('\\0left-by-A')
    found.append('socket')
except OSError:
    pass
found += [p for p in os.listdir('/proc') if p.isdigit() and b'sleep' in open(f'/proc/{p}/cmdline', 'rb').read()]
print(found)
"""


def test_two_students_of_one_worker_share_nothing():
    async def both():
        a = await _start()
        try:
            b = await _start()
            try:
                marked = await _execute(a[1], MARK_EVERYWHERE, timeout=120)
                found = await _execute(b[1], FIND_MARKS, timeout=120)
            finally:
                await _stop(*b)
        finally:
            await _stop(*a)
        return marked, found

    marked, found = asyncio.run(both())
    assert marked[0] == "ok", marked
    assert "'/tmp'" in marked[1] and "'/home/student'" in marked[1], marked  # the test can see a leak
    assert found == ("ok", "[]\n"), f"A wrote to {marked[1]}; B found {found}"


def test_what_the_sandbox_binds_below_tmp_stays_visible(monkeypatch):
    """A checkout under /tmp (as a CI clone may be) has its virtual environment bound below
    /tmp: each kernel's fresh /tmp must still show it, read-only to the student."""
    bound = Path(tempfile.mkdtemp(prefix="bound-", dir="/tmp"))
    try:
        bound.chmod(0o755)
        (bound / "module_of_the_venv.py").write_text("WHERE = 'the venv'\n")
        binds = sandbox.python_binds
        monkeypatch.setattr(sandbox, "python_binds", lambda: binds() + [(bound, bound)])
        results, _ = run([
            f"import sys; sys.path.insert(0, {str(bound)!r}); import module_of_the_venv; print(module_of_the_venv.WHERE)",
            f"open({str(bound / 'written-by-student')!r}, 'w')",
        ], limits=Limits(wall=119))  # limits of their own: a zygote of its own, with this bind
    finally:
        shutil.rmtree(bound)
    assert results[0] == ("ok", "the venv\n"), results
    assert results[1][0] == "error" and ("Permission denied" in results[1][1] or "Read-only" in results[1][1])


def test_writes_only_in_scratch_and_tmp(secrets):
    tmp, mine = secrets
    target = tmp / "written-by-student"
    sockets = os.path.join(tempfile.gettempdir(), "ag-*")  # where the kernel's socket folder is bound
    results, _ = run([
        "open('answer.txt', 'w').write('x'); open('/tmp/x', 'w').write('x'); print('ok')",
        f"open({str(target)!r}, 'w').write('x')",
        "open('/usr/evil', 'w')",
        "open('dot_product.ipynb', 'w')",
        "import os; print(os.getuid() != 0)",
        f"import glob; [open(d + '/junk', 'w') for d in glob.glob({sockets!r})]",  # the socket folder
        f"import glob; print(len(glob.glob({sockets!r})))",
    ], notebook=str(mine))
    assert results[5][0] == "error" and "Permission denied" in results[5][1], results[5]
    assert results[6] == ("ok", "1\n")
    assert results[0] == ("ok", "ok\n")
    for status, text in results[1:4]:
        assert status == "error" and ("Permission denied" in text or "Read-only" in text
                                      or "No such file" in text), text
    assert results[4] == ("ok", "True\n")
    assert not target.exists()


def test_memory_cap_gives_memory_error():
    results, _ = run(["import numpy as np\nx = np.ones((300, 1024, 1024))  # 2.4 GB", "print('alive')"],
                     limits=Limits(memory=2 * 1024**3))
    assert results[0][0] == "error" and "MemoryError" in results[0][1]
    assert results[1] == ("ok", "alive\n")  # the kernel survives


def test_cpu_loop_is_killed():
    results, code = run(["while True:\n    pass"], limits=Limits(cpu=2), timeout=20)
    assert results[0][0] == "timeout"
    assert code in (128 + 24, 128 + 9), code  # SIGXCPU, then SIGKILL


def test_process_cap():
    results, _ = run(["import threading, time\n"
                      "ts = [threading.Thread(target=time.sleep, args=(2,)) for _ in range(200)]\n"
                      "[t.start() for t in ts]"], limits=Limits(procs=64))
    assert results[0][0] == "error" and "can't start new thread" in results[0][1]


def test_missing_bwrap_says_what_to_install(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.check_sandbox()
