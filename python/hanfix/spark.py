"""Repair a text column of a Spark DataFrame with ``DataFrame.mapInArrow`` (Spark 3.3+).

>>> from hanfix.spark import fix_column
>>> fixed = fix_column(df, column="text")            # doctest: +SKIP
>>> fixed = fix_column(df, "text", output="text_fixed", script="hans")  # doctest: +SKIP

Each Python worker receives a pickled :class:`hanfix.Cleaner` (options only) and repairs Arrow
record batches with it; the Rust work runs with the GIL released, one thread per worker unless
``threads=`` asks for more.  ``hanfix`` must be installed on the executors (``pip install`` in the
cluster image, or ship the wheel with ``--py-files``/an archived environment).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional

from hanfix import Cleaner

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pyarrow as pa
    from pyspark.sql import DataFrame

__all__ = ["ArrowBatchFixer", "batch_fixer", "fix_column"]


class ArrowBatchFixer:
    """A picklable callable for ``DataFrame.mapInArrow``: repairs ``column`` of every batch.

    The repaired strings replace ``column`` or, when ``output`` names another column, are written
    there (replacing it if it exists, appended as the last column otherwise).
    """

    def __init__(self, cleaner: Cleaner, column: str = "text", output: Optional[str] = None) -> None:
        if not isinstance(cleaner, Cleaner):
            raise TypeError(f"cleaner must be a hanfix.Cleaner, not {type(cleaner).__name__}")
        self.cleaner = cleaner
        self.column = column
        self.output = output or column

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            schema = batch.schema
            index = schema.get_field_index(self.column)
            if index < 0:
                raise KeyError(f"column {self.column!r} not in batch (columns: {schema.names})")
            fixed = self.cleaner.fix_arrow(batch.column(index))
            columns = list(batch.columns)
            out = schema.get_field_index(self.output)
            if out >= 0:
                columns[out] = fixed
                schema = schema.set(out, schema.field(out).with_type(fixed.type))
            else:
                columns.append(fixed)
                schema = schema.append(pa.field(self.output, fixed.type, nullable=schema.field(index).nullable))
            yield pa.RecordBatch.from_arrays(columns, schema=schema)


def batch_fixer(column: str = "text", output: Optional[str] = None, **options: Any) -> ArrowBatchFixer:
    """A function for ``df.mapInArrow(fn, schema)`` that repairs ``column``.

    ``options`` are :class:`hanfix.Cleaner` keyword arguments.  The caller declares the output
    schema; :func:`fix_column` does that for you.
    """
    return ArrowBatchFixer(Cleaner(**options), column, output)


def fix_column(df: DataFrame, column: str = "text", output: Optional[str] = None, **options: Any) -> DataFrame:
    """Returns ``df`` with the string column ``column`` repaired.

    With ``output`` the repaired text goes to that column instead (appended when new); every
    other column, and the order of rows and columns, is kept.  ``options`` are
    :class:`hanfix.Cleaner` keyword arguments (``script``, ``punct``, ``threads``, ...), checked
    on the driver before the job starts.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    fields = {f.name: f for f in df.schema.fields}
    if column not in fields:
        raise ValueError(f"column {column!r} not found (columns: {df.schema.names})")
    if not isinstance(fields[column].dataType, StringType):
        raise TypeError(f"column {column!r} has type {fields[column].dataType.simpleString()}, expected string")
    target = output or column
    if target == column:
        schema = df.schema
    elif target in fields:
        schema = StructType(
            [StructField(f.name, StringType(), True, f.metadata) if f.name == target else f for f in df.schema.fields]
        )
    else:
        schema = StructType(df.schema.fields + [StructField(target, StringType(), fields[column].nullable)])
    return df.mapInArrow(batch_fixer(column, output, **options), schema)
