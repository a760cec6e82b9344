"""Build both editions of the website: English at _build/html/, Chinese at _build/html/zh/.

    python scripts/build_site.py                  # what scripts/serve.sh runs
    python scripts/build_site.py --path-output D  # build under D/_build instead of here

Each edition is an ordinary Jupyter Book 1 build with warnings as errors. The Chinese one
reads its pages from zh/ (zh/book/<page>.md, the same names as book/<page>.md), the same
_toc.yml, and a configuration made of _config.yml with the few keys of zh/_config.yml
laid over it (the language, the title, paths seen from zh/). Both builds share one
execution cache, so a Chinese page whose code cells are exactly the English ones (a page
not yet translated) is not executed twice. The Chinese HTML is then copied into the
English site's zh/ folder, so one server serves both.
"""

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "zh"


def merged(base, over):
    """`base` with the keys of `over` laid over it (dictionaries merged key by key)."""
    out = dict(base)
    for key, value in over.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def zh_config(build):
    """The Chinese edition's configuration, written to build/zh/_config.yml; its path."""
    config = merged(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")),
                    yaml.safe_load((ZH / "_config.yml").read_text(encoding="utf-8")))
    config.setdefault("execute", {})["cache"] = str(build / ".jupyter_cache")   # the English build's
    # Jupyter Book finds local extensions from the configuration file's folder, which is
    # no longer zh/: give their paths from zh/ in full.
    extensions = config["sphinx"]["local_extensions"]
    for name, path in extensions.items():
        extensions[name] = str((ZH / path).resolve())
    path = build / "zh" / "_config.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def jupyter_book(*args):
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", *args, "-W", "--keep-going"]
    print("build_site:", " ".join(command), flush=True)
    start = time.monotonic()
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        sys.exit(f"build_site: the build failed: {' '.join(command)}")
    print(f"build_site: built in {time.monotonic() - start:.0f} s", flush=True)


def fresh_static(html):
    """Copy book/_static over the built site's _static, in both editions.

    Sphinx copies the static files only when some page is out of date, so a change to
    live-figures.js alone would otherwise leave the old script in a site built before.
    """
    for static in (html / "_static", html / "zh" / "_static"):
        shutil.copytree(ROOT / "book" / "_static", static, dirs_exist_ok=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path-output", type=Path, default=ROOT,
                        help="build under PATH_OUTPUT/_build (default: this checkout)")
    args = parser.parse_args()
    build = args.path_output.resolve() / "_build"
    jupyter_book(str(ROOT), "--path-output", str(build.parent))
    jupyter_book(str(ZH), "--config", str(zh_config(build)), "--toc", str(ROOT / "_toc.yml"),
                 "--path-output", str(build / "zh"))
    site = build / "html" / "zh"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(build / "zh" / "_build" / "html", site)
    fresh_static(build / "html")
    print(f"build_site: English at {build / 'html'}, Chinese at {site}")


if __name__ == "__main__":
    main()
