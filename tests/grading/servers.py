"""Real servers for the tests: a Dask scheduler with its workers, a PostgreSQL server, and a
Jupyter server (JupyterLab, or formgrader).

Each starts on 127.0.0.1 on free ports, in its own process group, and `stop` ends exactly
the processes it started (their groups), whatever state they are in.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.conftest import ROOT, course_env

# Debian's PostgreSQL (15 on Debian 12): the newest version installed
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name),
             default=Path("/usr/lib/postgresql/15/bin"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask(*args, env=None, log=None):
    command = [str(Path(sys.executable).parent / "dask"), *args]
    return subprocess.Popen(command, cwd=ROOT, env=env or course_env(), stdout=log or subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc):
    """SIGKILL the process group of ``proc`` (started with a session of its own) and reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


class DaskCluster:
    """``dask scheduler`` and ``workers`` × ``dask worker`` (one process, one thread each)."""

    def __init__(self, workers=2, worker_env=None):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.log = tempfile.TemporaryFile()
        self.scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", self.address.rsplit(":", 1)[1],
                               "--no-dashboard", log=self.log)
        self.workers = {}
        try:
            for i in range(workers):
                self.add_worker(f"w{i}", worker_env)
            if workers:
                self.wait_for(workers)
        except BaseException:
            self.close()
            raise

    def add_worker(self, name, env=None):
        self.workers[name] = _dask("worker", self.address, "--name", name, "--nworkers", "1", "--nthreads", "1",
                                   "--no-dashboard", env=env, log=self.log)

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=60, set_as_default=False)

    def wait_for(self, n, seconds=180):
        with self.client() as c:
            c.wait_for_workers(n, timeout=seconds)

    def kill(self, name):
        stop(self.workers[name])

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def close(self):
        for proc in self.workers.values():
            stop(proc)
        stop(self.scheduler)
        self.log.close()


class Postgres:
    """A PostgreSQL server from Debian's package: ``initdb`` in a temporary folder as ``postgres``."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="ag-pg-"))
        os.chmod(self.folder, 0o755)  # the postgres user must reach it (mkdtemp makes it 0700)
        data = self.folder / "data"
        data.mkdir()
        shutil.chown(data, "postgres", "postgres")
        self.port = free_port()
        self.data = data
        self._as_postgres(PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
        self._as_postgres(PG_BIN / "pg_ctl", "-D", data, "-l", data / "log", "-w", "-o",
                          f"-p {self.port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    @staticmethod
    def available():
        """Why no server can be started here, or None."""
        if not (PG_BIN / "initdb").exists():
            return f"PostgreSQL is not installed ({PG_BIN}); scripts/setup.sh --test installs it"
        if os.geteuid() != 0:
            return "starting PostgreSQL as the postgres user needs root"
        return None

    def _as_postgres(self, *command):
        subprocess.run(["runuser", "-u", "postgres", "--", *map(str, command)], check=True, capture_output=True,
                       timeout=120)

    def url(self, database="postgres"):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        self._as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)
        return self.url(name)

    def stop(self):
        try:
            self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def jupyter(app, cwd, home, *options, start_s=90):
    """``(base URL, token)`` of ``jupyter <app>`` (``lab``, ``server``) serving ``cwd`` on 127.0.0.1
    with a token; Jupyter's and IPython's settings and state under ``home``. Ends it at exit
    (its kernels with it)."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    env = course_env()
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"))
    command = [str(Path(sys.executable).parent / f"jupyter-{app}"), "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               *(["--allow-root"] if os.geteuid() == 0 else []), *options]
    log_path = home / f"jupyter-{app}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_s
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
                    json.load(r)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter {app} did not start:\n{log_path.read_text()[-4000:]}") from None
                time.sleep(0.2)  # polling the server's status: no event to wait on from outside
        yield base, token
    finally:
        proc.terminate()  # the server shuts its kernels down
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        stop(proc)


@contextlib.contextmanager
def formgrader(out, home):
    """``api(method, path, data=None, raw=False)`` of a Jupyter server with nbgrader's formgrader,
    started in OUT (its nbgrader_config.py makes OUT the course folder). A request may take
    minutes: formgrader's autograde runs the whole notebook before it answers."""
    with jupyter("server", out, home) as (base, token):
        def api(method, path, data=None, raw=False):
            body = json.dumps(data).encode() if data is not None else None
            req = urllib.request.Request(base + path, data=body, method=method, headers={
                "Authorization": f"token {token}", "Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=300) as r:
                return r.read() if raw else json.load(r)

        yield api
