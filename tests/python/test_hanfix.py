"""Tests of the Python API: fix/explain, Cleaner, pickling, fork, threads, Arrow, bad input.

Repair results are asserted only through properties that hold whatever the stages decide (clean
text unchanged, Cleaner == module functions, types and lengths), except in
``test_restores_injected_pinyin``, the end-to-end check of a real repair.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import threading
from types import SimpleNamespace

import pytest

import hanfix

try:
    import pyarrow as pa
except ImportError:  # pragma: no cover - CI installs pyarrow
    pa = None

needs_arrow = pytest.mark.skipif(pa is None, reason="pyarrow not installed")

CLEAN = [
    "今天天气很好。",
    "我们明天去北京学习中文。",
    "他说：“这本书很有意思。”",
    "",
    "hello world",
    "数据集包含一百万篇文档，平均长度为八百字。",
]

DAMAGED = [
    "學(xué)習",
    "學(xué)習關(guān)鍵詞,兩張合影",
    "鍚堝奖",
    "ÖÐÎÄ",
    "锟斤拷锟斤拷",
    "你好&amp;再见<br>",
    "中文,英文!日文?",
    "?!霸坪嫌啊",
]

SAMPLES = CLEAN + DAMAGED

EDIT_KEYS = {"stage", "start", "end", "before", "after", "confidence", "reason"}
STAGES = {"decode", "mojibake", "byteshift", "pinyin", "script", "punct", "html"}


def check_edits(text: str, edits: list) -> None:
    assert isinstance(edits, list)
    for e in edits:
        assert isinstance(e, dict)
        assert set(e) == EDIT_KEYS
        assert e["stage"] in STAGES
        assert isinstance(e["start"], int) and isinstance(e["end"], int)
        assert 0 <= e["start"] <= e["end"] <= len(text)
        assert isinstance(e["before"], str) and isinstance(e["after"], str)
        assert isinstance(e["confidence"], float) and 0.0 <= e["confidence"] <= 1.0
        assert isinstance(e["reason"], str)


# --- module functions -------------------------------------------------------------------------


def test_version() -> None:
    assert isinstance(hanfix.__version__, str) and hanfix.__version__.count(".") == 2


@pytest.mark.parametrize("text", SAMPLES)
def test_fix_returns_str(text: str) -> None:
    out = hanfix.fix(text)
    assert type(out) is str


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_is_unchanged(text: str) -> None:
    assert hanfix.fix(text) == text
    assert hanfix.fix(text) is text  # clean text comes back as the very same object
    assert hanfix.explain(text) == []


@pytest.mark.parametrize("text", SAMPLES)
def test_explain_shape(text: str) -> None:
    edits = hanfix.explain(text)
    check_edits(text, edits)
    if not edits:
        assert hanfix.fix(text) == text  # no edits, no change


@pytest.mark.parametrize("script", ["auto", "hans", "hant", "keep", "simplified", "traditional"])
@pytest.mark.parametrize("punct", ["auto", "keep"])
def test_options_accepted(script: str, punct: str) -> None:
    for text in SAMPLES:
        assert isinstance(hanfix.fix(text, script, punct), str)
        assert hanfix.fix(text, script=script, punct=punct) == hanfix.Cleaner(script=script, punct=punct).fix(text)
        check_edits(text, hanfix.explain(text, script=script, punct=punct))


def test_stage_switches_accepted() -> None:
    off = dict(mojibake=False, byteshift=False, pinyin=False, html=False)
    for text in SAMPLES:
        assert hanfix.fix(text, **off) == hanfix.Cleaner(**off).fix(text)


def test_restores_injected_pinyin() -> None:
    """End to end: Traditional conversion plus injected pinyin, undone."""
    assert hanfix.fix("學(xué)習") == "学习"
    edits = hanfix.explain("學(xué)習")
    check_edits("學(xué)習", edits)
    assert edits


# --- Cleaner ----------------------------------------------------------------------------------


def test_cleaner_matches_module_functions() -> None:
    c = hanfix.Cleaner()
    for text in SAMPLES:
        assert c.fix(text) == hanfix.fix(text)
        assert c.explain(text) == hanfix.explain(text)


def test_cleaner_options_and_repr() -> None:
    c = hanfix.Cleaner(script="simplified", punct="keep", html=False, threads=3)
    assert c.script == "hans" and c.punct == "keep" and c.html is False and c.pinyin is True
    assert c.threads == 3
    assert c.options() == dict(script="hans", punct="keep", mojibake=True, byteshift=True, pinyin=True, html=False, threads=3)
    assert hanfix.Cleaner(**c.options()) == c
    assert hanfix.Cleaner() != c
    r = repr(c)
    assert r.startswith("Cleaner(") and "script='hans'" in r and "html=False" in r
    assert isinstance(c, hanfix.Cleaner)


def test_cleaner_defaults_to_one_thread() -> None:
    assert hanfix.Cleaner().threads == 1


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_round_trip(protocol: int) -> None:
    c = hanfix.Cleaner(script="hant", punct="keep", mojibake=False, threads=2)
    data = pickle.dumps(c, protocol=protocol)
    d = pickle.loads(data)
    assert type(d) is hanfix.Cleaner
    assert d == c and d.options() == c.options()
    for text in SAMPLES:
        assert d.fix(text) == c.fix(text)
    assert hasattr(d, "fix_arrow")


def test_pickle_carries_options_only() -> None:
    c = hanfix.Cleaner()
    assert len(pickle.dumps(c)) < 200


def test_fix_batch_matches_fix() -> None:
    c = hanfix.Cleaner()
    assert c.fix_batch(SAMPLES) == [c.fix(t) for t in SAMPLES]
    assert c.fix_batch([]) == []
    assert c.fix_batch(tuple(SAMPLES)) == c.fix_batch(SAMPLES)
    assert c.fix_batch(t for t in SAMPLES) == c.fix_batch(SAMPLES)


def test_fix_batch_returns_clean_inputs_themselves() -> None:
    texts = ["".join(["今天天气很好。", str(i)]) for i in range(100)]
    out = hanfix.Cleaner(threads=2).fix_batch(texts)
    assert all(a is b for a, b in zip(out, texts))


@pytest.fixture(scope="module")
def batch() -> tuple:
    texts = [f"{i}{SAMPLES[i % len(SAMPLES)]}" for i in range(3001)]
    return texts, [hanfix.fix(t) for t in texts]


@pytest.mark.parametrize("threads", [0, 1, 2, 4, 16])
def test_fix_batch_with_threads(threads: int, batch: tuple) -> None:
    texts, expected = batch
    out = hanfix.Cleaner(threads=threads).fix_batch(texts)
    assert len(out) == len(texts)
    assert out == expected


def test_concurrent_python_threads() -> None:
    c = hanfix.Cleaner(threads=2)
    texts = SAMPLES * 200
    expected = [hanfix.fix(t) for t in texts]
    results: list = [None] * 4
    errors: list = []

    def work(i: int) -> None:
        try:
            results[i] = c.fix_batch(texts) if i % 2 else [c.fix(t) for t in texts]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(r == expected for r in results)


# --- fork safety ------------------------------------------------------------------------------

_FORKED_CLEANER = hanfix.Cleaner(threads=2)


def _fix_in_child(texts: list) -> list:
    return _FORKED_CLEANER.fix_batch(texts) + [_FORKED_CLEANER.fix(t) for t in texts]


@pytest.mark.skipif(sys.platform == "win32", reason="fork is POSIX only")
def test_cleaner_created_before_fork() -> None:
    # Use the cleaner's threads in the parent first, so that the child inherits a used instance.
    texts = SAMPLES * 50
    expected = _FORKED_CLEANER.fix_batch(texts)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = pool.map(_fix_in_child, [texts] * 4)
    for r in results:
        assert r == expected + expected


# --- Arrow ------------------------------------------------------------------------------------


@needs_arrow
@pytest.mark.parametrize("arrow_type", ["string", "large_string"])
def test_fix_arrow_preserves_nulls_and_type(arrow_type: str) -> None:
    t = getattr(pa, arrow_type)()
    values = [SAMPLES[i % len(SAMPLES)] if i % 3 else None for i in range(50)]
    arr = pa.array(values, type=t)
    out = hanfix.Cleaner().fix_arrow(arr)
    assert isinstance(out, pa.Array)
    assert out.type == t
    assert len(out) == len(arr)
    assert out.null_count == arr.null_count
    assert out.to_pylist() == [None if v is None else hanfix.fix(v) for v in values]


@needs_arrow
def test_fix_arrow_clean_array_is_returned_as_is() -> None:
    arr = pa.array(CLEAN + [None])
    assert hanfix.Cleaner().fix_arrow(arr) is arr


@needs_arrow
def test_fix_arrow_chunked_and_sliced() -> None:
    values = SAMPLES + [None] + SAMPLES
    chunked = pa.chunked_array([pa.array(values[:5]), pa.array(values[5:], type=pa.string())])
    out = hanfix.Cleaner(threads=2).fix_arrow(chunked)
    assert isinstance(out, pa.ChunkedArray)
    assert out.to_pylist() == [None if v is None else hanfix.fix(v) for v in values]
    sliced = pa.array(values).slice(3, 6)
    assert hanfix.Cleaner().fix_arrow(sliced).to_pylist() == [
        None if v is None else hanfix.fix(v) for v in values[3:9]
    ]


@needs_arrow
def test_fix_arrow_empty_and_all_null() -> None:
    c = hanfix.Cleaner()
    assert len(c.fix_arrow(pa.array([], type=pa.string()))) == 0
    nulls = pa.array([None, None], type=pa.large_string())
    assert c.fix_arrow(nulls).to_pylist() == [None, None]


@needs_arrow
def test_fix_arrow_rejects_other_types() -> None:
    c = hanfix.Cleaner()
    with pytest.raises(TypeError, match="string"):
        c.fix_arrow(pa.array([1, 2]))
    with pytest.raises(TypeError, match="string"):
        c.fix_arrow(pa.chunked_array([pa.array([1.5])]))
    with pytest.raises(TypeError, match="pyarrow"):
        c.fix_arrow(["a", "b"])


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: hanfix.fix(1), TypeError, "str"),
        (lambda: hanfix.fix(b"bytes"), TypeError, "str"),
        (lambda: hanfix.fix(None), TypeError, "str"),
        (lambda: hanfix.fix("x", script="latin"), ValueError, "script"),
        (lambda: hanfix.fix("x", punct="none"), ValueError, "punct"),
        (lambda: hanfix.fix("x", script=3), TypeError, None),
        (lambda: hanfix.explain(["x"]), TypeError, "str"),
        (lambda: hanfix.explain("x", script="?"), ValueError, "script"),
        (lambda: hanfix.fix("\ud800"), ValueError, "surrogate"),
        (lambda: hanfix.Cleaner(script="x"), ValueError, "script"),
        (lambda: hanfix.Cleaner(punct="x"), ValueError, "punct"),
        (lambda: hanfix.Cleaner(threads=-1), ValueError, "threads"),
        (lambda: hanfix.Cleaner(threads="2"), TypeError, None),
        (lambda: hanfix.Cleaner(pinyin="yes"), TypeError, None),
        (lambda: hanfix.Cleaner(colour="red"), TypeError, "colour"),
        (lambda: hanfix.Cleaner().fix(3), TypeError, "str"),
        (lambda: hanfix.Cleaner().fix_batch("abc"), TypeError, "list of str"),
        (lambda: hanfix.Cleaner().fix_batch(5), TypeError, "list of str"),
        (lambda: hanfix.Cleaner().fix_batch(["a", None]), TypeError, "item 1"),
        (lambda: hanfix.Cleaner().fix_batch(["a", b"b"]), TypeError, "item 1 is bytes"),
        (lambda: hanfix.Cleaner().fix_batch(["ok", "\udc80"]), ValueError, "item 1"),
        (lambda: hanfix.Cleaner().explain(None), TypeError, "str"),
    ],
)
def test_bad_arguments_raise(call, exc, match) -> None:
    with pytest.raises(exc, match=match):
        call()


def test_large_document() -> None:
    text = "我们明天去北京学习中文。" * 20000
    assert hanfix.fix(text) == text


# --- engine adapters without an engine ---------------------------------------------------------


def test_datatrove_formatter() -> None:
    from hanfix.datatrove import HanfixFormatter

    f = HanfixFormatter(script="auto")
    for text in SAMPLES:
        assert f.format(text) == hanfix.fix(text)
    docs = [SimpleNamespace(text=t, id=str(i)) for i, t in enumerate(SAMPLES)]
    out = list(f.run(iter(docs)))
    assert [d.text for d in out] == [hanfix.fix(t) for t in SAMPLES]
    assert pickle.loads(pickle.dumps(f)).cleaner == f.cleaner
    assert f.name


def test_datatrove_subclasses_base_formatter_when_installed() -> None:
    pytest.importorskip("datatrove")
    from datatrove.pipeline.formatters.base import BaseFormatter

    from hanfix.datatrove import HanfixFormatter

    assert issubclass(HanfixFormatter, BaseFormatter)


@needs_arrow
def test_arrow_batch_fixer_without_spark() -> None:
    from hanfix.spark import ArrowBatchFixer, batch_fixer

    values = SAMPLES + [None]
    batch = pa.RecordBatch.from_arrays(
        [pa.array(range(len(values))), pa.array(values)], names=["id", "text"]
    )
    expected = [None if v is None else hanfix.fix(v) for v in values]

    (same,) = list(batch_fixer("text")(iter([batch])))
    assert same.schema == batch.schema
    assert same.column(1).to_pylist() == expected

    (added,) = list(batch_fixer("text", output="fixed", threads=2)(iter([batch])))
    assert added.schema.names == ["id", "text", "fixed"]
    assert added.column(1).to_pylist() == values
    assert added.column(2).to_pylist() == expected

    fixer = pickle.loads(pickle.dumps(ArrowBatchFixer(hanfix.Cleaner(), "text", "id")))
    (replaced,) = list(fixer(iter([batch])))
    assert replaced.schema.names == ["id", "text"]
    assert replaced.column(0).to_pylist() == expected

    with pytest.raises(KeyError, match="nope"):
        list(batch_fixer("nope")(iter([batch])))
    with pytest.raises(TypeError, match="Cleaner"):
        ArrowBatchFixer("not a cleaner")  # type: ignore[arg-type]
