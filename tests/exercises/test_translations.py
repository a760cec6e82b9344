"""The Chinese student notebooks: the English notebook's cells, ids, code, tests and nbgrader
metadata, with the locked Markdown translated; a translation covers exactly its spec."""

import collections
import dataclasses
import json
import re
import shutil

import nbformat
import pytest
import yaml
from nbgrader.utils import compute_checksum

from autograder import assignments
from autograder.assignments import zh
from autograder.authoring import build
from tests.exercises.translation import sample, texts

ROOT = build.ROOT
IDS = assignments.ids()
CJK = re.compile(r"[\u4e00-\u9fff]")
# What a translation keeps: inline code, display and inline math.
SPANS = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$|`[^`\n]+`", re.S)


def pair(aid):
    """(English, Chinese) student notebooks, as committed."""
    spec = assignments.get(aid)
    english = build.notebook_path(spec).read_text(encoding="utf-8")
    chinese = build.notebook_path(spec, "zh").read_text(encoding="utf-8")
    return nbformat.reads(english, as_version=4), nbformat.reads(chinese, as_version=4)


def _without_checksum(metadata):
    meta = json.loads(json.dumps(metadata))
    meta.get("nbgrader", {}).pop("checksum", None)
    return meta


@pytest.mark.parametrize("aid", IDS)
def test_the_chinese_notebook_is_the_english_one_with_its_prose_translated(aid):
    english, chinese = pair(aid)
    translated = build.markdown_texts(assignments.get(aid))
    assert [(c.id, c.cell_type) for c in chinese.cells] == [(c.id, c.cell_type) for c in english.cells]
    assert chinese.metadata == english.metadata
    for en, cn in zip(english.cells, chinese.cells):
        assert _without_checksum(cn.metadata) == _without_checksum(en.metadata), cn.id
        meta = cn.metadata.get("nbgrader", {})
        if "checksum" in meta:  # nbgrader's validation must not call a translated cell modified
            assert meta["checksum"] == compute_checksum(cn), cn.id
        if cn.id in translated:
            assert cn.cell_type == "markdown" and meta["locked"] and CJK.search(cn.source), cn.id
            assert cn.source != en.source, cn.id
        else:  # code, tests, answer cells (the written answers' "YOUR ANSWER HERE" too)
            assert cn.source == en.source, cn.id
            assert meta.get("checksum") == en.metadata.get("nbgrader", {}).get("checksum"), cn.id
    assert {c.id for c in chinese.cells} >= set(translated)


def spans(text, page):
    """The code spans and formulas of a cell, as a multiset; the Chinese intro names the page
    of the Chinese website, `zh/<page>.html`, where the English names `<page>.html`."""
    return collections.Counter(s.replace(f"`zh/{page}.html`", f"`{page}.html`") for s in SPANS.findall(text))


def span_difference(english, chinese, page):
    """``None``, or the spans one cell has and the other has not."""
    en, cn = spans(english, page), spans(chinese, page)
    if en == cn:
        return None
    return f"only in the English: {sorted((en - cn).elements())}; only in the Chinese: {sorted((cn - en).elements())}"


@pytest.mark.parametrize("aid", IDS)
def test_translated_cells_keep_the_code_spans_and_the_math(aid):
    english, chinese = pair(aid)
    page = assignments.get(aid).page
    for en, cn in zip(english.cells, chinese.cells):
        if en.cell_type == "markdown":
            assert span_difference(en.source, cn.source, page) is None, f"{aid}, cell {cn.id}: " + \
                span_difference(en.source, cn.source, page)


def test_the_span_check_catches_a_lost_span_or_formula():
    spec = assignments.get("04-multi-head")
    page = spec.page
    en = build.markdown_texts(spec)
    part = spec.parts[0]
    cell = f"{part.id}-text"
    assert SPANS.search(en[cell]), "the test needs a part whose prose has a code span"
    good = sample(spec)
    assert span_difference(en[cell], build.markdown_texts(spec, "zh", good)[cell], page) is None
    dropped = dataclasses.replace(good, parts={**good.parts, part.id: (part.title, "这里什么代码也没有。")})
    assert "only in the English" in span_difference(en[cell], build.markdown_texts(spec, "zh", dropped)[cell], page)
    math = "$W^{q,\\ell}$"
    assert math in "".join(en.values())
    assert span_difference(math + " `x`", "$W^{q,l}$ `x`", page)


def test_a_translation_must_cover_exactly_the_parts_and_questions():
    spec = assignments.get("02-dot-product")
    good = sample(spec)
    missing = dataclasses.replace(good, parts={k: v for k, v in good.parts.items() if k != "softmax"})
    extra = dataclasses.replace(good, questions={**good.questions, "why_not": "多出来的题目"})
    with pytest.raises(ValueError, match=r"02-dot-product: no text for part\(s\) softmax"):
        build.check_translation(spec, missing)
    with pytest.raises(ValueError, match=r"question\(s\) why_not that the spec does not have"):
        build.markdown_texts(spec, "zh", extra)
    english = build.notebook_path(spec).read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="softmax"):
        build.translated_notebook(english, spec, "zh", missing)
    build.check_translation(spec, good)


def zh_h1(page):
    """The title of the Chinese page's H1, ``# N. title``, without its number."""
    first = next(line for line in (ROOT / "zh" / "book" / f"{page}.md").read_text(encoding="utf-8").splitlines()
                 if line.startswith("# "))
    return re.sub(r"^# \d+\. ", "", first)


def untranslated():
    config = yaml.safe_load((ROOT / "zh" / "_config.yml").read_text(encoding="utf-8"))
    return {p.split("/")[-1] for p in config["sphinx"]["config"]["course_untranslated"]}


def test_chapter_titles_are_the_chinese_pages_titles():
    assert zh_h1("ch04-multi-head") == "多头自注意力"
    assert "ch02-dot-product" not in untranslated() or zh_h1("ch02-dot-product") == "Relevance by dot product"
    for aid, words in zh.TEXTS.items():
        page = assignments.get(aid).page
        if page not in untranslated():
            assert words.chapter_title == zh_h1(page), f"{aid}: zh/book/{page}.md's title is {zh_h1(page)!r}"


def test_every_assignment_has_its_chinese_texts():
    assert sorted(zh.TEXTS) == sorted(IDS)
    for aid, words in zh.TEXTS.items():
        build.check_translation(assignments.get(aid), words)


def test_the_build_has_its_words_in_every_language_of_the_notebooks():
    assert list(build.WORDS) == list(assignments.LANGUAGES)
    assert all(build.WORDS[lang].keys() == build.WORDS["en"].keys() for lang in build.WORDS)


def test_only_assignments_with_chinese_texts_get_a_chinese_notebook(monkeypatch):
    spec = assignments.get("02-dot-product")
    monkeypatch.setattr(zh, "TEXTS", {spec.id: sample(spec)})
    assert list(build.translations(IDS)) == [(spec.id, "zh")]
    assert build.notebook_path(spec, "zh") == ROOT / "notebooks" / spec.id / "dot_product.zh.ipynb"


def test_the_staleness_check_covers_the_chinese_notebooks(tmp_path, monkeypatch):
    spec = assignments.get("02-dot-product")
    aid, name = spec.id, "dot_product.ipynb"
    for folder, where in (("source", build.SOURCE), ("notebooks", build.NOTEBOOKS)):
        (tmp_path / folder / aid).mkdir(parents=True)
        shutil.copy(where / aid / name, tmp_path / folder / aid / name)
    monkeypatch.setattr(build, "SOURCE", tmp_path / "source")
    monkeypatch.setattr(build, "NOTEBOOKS", tmp_path / "notebooks")
    chinese = tmp_path / "notebooks" / aid / "dot_product.zh.ipynb"
    words = {(aid, "zh"): sample(spec)}
    files = build.outputs([aid], words)
    assert build.stale_files(files) == {chinese: "missing"}
    chinese.write_text(files[chinese], encoding="utf-8")
    assert build.stale_files(files) == {}
    # the translation changed after the Chinese notebook was written
    changed = dataclasses.replace(sample(spec), intro=sample(spec).intro + "\n\n多一句话。")
    stale = build.stale_files(build.outputs([aid], {(aid, "zh"): changed}))
    assert list(stale) == [chinese] and "cell 'intro'.source: the text differs" in stale[chinese], stale
    # a translated cell whose checksum is the English cell's
    nb = json.loads(files[chinese])
    english = json.loads((tmp_path / "notebooks" / aid / name).read_text(encoding="utf-8"))
    nb["cells"][0]["metadata"]["nbgrader"]["checksum"] = english["cells"][0]["metadata"]["nbgrader"]["checksum"]
    chinese.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "checksum" in build.stale_files(files)[chinese]


def test_nbgrader_validate_sees_no_changed_locked_cell_in_the_chinese_notebook(tmp_path):
    """Students press "Validate": nbgrader compares each locked cell with its checksum, so a
    translated cell must carry its own (with the English cell's it says the cell changed)."""
    import subprocess
    import sys

    english, chinese = pair("02-dot-product")
    english_sums = [c.metadata.get("nbgrader", {}).get("checksum") for c in english.cells]
    stale = nbformat.from_dict(json.loads(json.dumps(chinese)))
    for cell, checksum in zip(stale.cells, english_sums):
        if checksum:
            cell.metadata.nbgrader.checksum = checksum
    outputs = {}
    for name, nb in (("chinese", chinese), ("stale", stale)):
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
        run = subprocess.run([sys.executable, "-m", "nbgrader", "validate", f"{name}.ipynb"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
        outputs[name] = run.stdout + run.stderr
    assert "HAVE CHANGED" in outputs["stale"], outputs["stale"][-2000:]
    assert "HAVE CHANGED" not in outputs["chinese"] and "did not provide a response" in outputs["chinese"], \
        outputs["chinese"][-2000:]


@pytest.mark.parametrize("aid", IDS)
def test_the_sections_a_chinese_notebook_names_are_headings_of_its_chinese_chapter(aid):
    """“例题”一节 sends the student to a section: it must be a heading of zh/book/<page>.md."""
    spec, words = assignments.get(aid), zh.TEXTS[aid]
    headings = {re.sub(r"^#+\s+", "", line).strip()
                for line in (ROOT / "zh" / "book" / f"{spec.page}.md").read_text(encoding="utf-8").splitlines()
                if re.match(r"#{2,} ", line)}
    texts_ = [words.intro, *(t for pair_ in words.parts.values() for t in pair_), *words.questions.values()]
    named = {m for text in texts_ for m in re.findall(r"“([^”]+)”一节", text)}
    assert named <= headings, f"{aid}: no section of zh/book/{spec.page}.md is called {sorted(named - headings)}"
