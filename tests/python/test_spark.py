"""A local PySpark job: JSON Lines in, hanfix via mapInArrow, Parquet out, read back and checked.

Runs on ``local[2]`` with the current interpreter as driver and worker Python.  Needs Java 17+.
In CI (``CI`` set) a missing pyspark is an error, not a skip.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import hanfix

if os.environ.get("CI"):
    import pyspark  # noqa: F401  (CI must run this module, never skip it)
else:
    pytest.importorskip("pyspark")

CLEAN = {
    1: "今天天气很好。",
    2: "我们明天去北京学习中文。",
    3: "数据集包含一百万篇文档，平均长度为八百字。",
    4: "他说：“这本书很有意思。”",
    5: "hello world",
}
DAMAGED = {
    101: ("學(xué)習", "学习"),
    102: ("學(xué)習關(guān)鍵詞,兩張合影", "学习关键词，两张合影"),
}
NULL_ID = 200


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("hanfix-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        # Small Arrow batches, so that every partition is repaired batch by batch.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def job(spark, tmp_path_factory):
    """Writes the input, runs the repair job, and returns (input df, output rows by id, out dir)."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    from hanfix.spark import fix_column

    root: Path = tmp_path_factory.mktemp("spark")
    src = root / "in"
    src.mkdir()
    records = [{"id": i, "text": t, "lang": "zh"} for i, t in CLEAN.items()]
    records += [{"id": i, "text": t, "lang": "zh"} for i, (t, _) in DAMAGED.items()]
    records.append({"id": NULL_ID, "text": None, "lang": "zh"})
    # Two files, so the job runs with more than one partition.
    for n, part in enumerate([records[::2], records[1::2]]):
        with open(src / f"part-{n}.jsonl", "w", encoding="utf-8") as f:
            for r in part:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")

    schema = StructType(
        [
            StructField("id", LongType(), False),
            StructField("text", StringType(), True),
            StructField("lang", StringType(), True),
        ]
    )
    df = spark.read.schema(schema).json(str(src))
    fixed = fix_column(df, column="text")
    assert fixed.schema == df.schema
    out = root / "out.parquet"
    fixed.write.mode("overwrite").parquet(str(out))
    back = spark.read.parquet(str(out))
    rows = {r["id"]: r.asDict() for r in back.collect()}
    return df, back, rows


def test_spark_job_keeps_clean_docs_and_schema(job) -> None:
    df, back, rows = job
    assert [(f.name, f.dataType) for f in back.schema.fields] == [(f.name, f.dataType) for f in df.schema.fields]
    assert len(rows) == len(CLEAN) + len(DAMAGED) + 1
    for i, text in CLEAN.items():
        assert rows[i]["text"] == text
        assert rows[i]["lang"] == "zh"
    assert rows[NULL_ID]["text"] is None
    for i, (text, _) in DAMAGED.items():
        assert rows[i]["text"] == hanfix.fix(text)


def test_spark_job_restores_damaged_docs(job) -> None:
    _, _, rows = job
    for i, (_, expected) in DAMAGED.items():
        assert rows[i]["text"] == expected


def test_spark_output_column_and_options(spark) -> None:
    from hanfix.spark import fix_column

    data = [(i, t) for i, t in CLEAN.items()] + [(i, t) for i, (t, _) in DAMAGED.items()] + [(NULL_ID, None)]
    df = spark.createDataFrame(data, "id long, text string").repartition(2)
    fixed = fix_column(df, "text", output="text_fixed", script="hans", threads=2)
    assert fixed.schema.names == ["id", "text", "text_fixed"]
    for row in fixed.collect():
        assert row["text_fixed"] == (None if row["text"] is None else hanfix.fix(row["text"], script="hans"))


def test_spark_bad_arguments(spark) -> None:
    from hanfix.spark import fix_column

    df = spark.createDataFrame([(1, "x")], "id long, text string")
    with pytest.raises(ValueError, match="nope"):
        fix_column(df, "nope")
    with pytest.raises(TypeError, match="string"):
        fix_column(df, "id")
    with pytest.raises(ValueError, match="script"):
        fix_column(df, "text", script="latin")
