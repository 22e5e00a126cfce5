"""Restore corrupted Chinese web text and explain every edit.

>>> import hanfix
>>> hanfix.fix("今天天气很好。")
'今天天气很好。'

The work is done by the Rust engine in :mod:`hanfix._hanfix`; every call releases the GIL while
text is repaired.  :class:`Cleaner` is the reusable, picklable entry point for batch jobs, and
:mod:`hanfix.spark` / :mod:`hanfix.datatrove` plug it into those engines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

from hanfix._hanfix import Cleaner as _RustCleaner
from hanfix._hanfix import __version__, explain, fix

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pyarrow as pa

    ArrowStrings = Union[pa.Array, pa.ChunkedArray]

__all__ = ["Cleaner", "explain", "fix", "__version__"]


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("Cleaner.fix_arrow needs pyarrow: pip install 'hanfix[arrow]'") from exc
    return pyarrow


def _is_string_type(pa: Any, t: Any) -> bool:
    types = pa.types
    if types.is_string(t) or types.is_large_string(t):
        return True
    is_view = getattr(types, "is_string_view", None)  # pyarrow >= 16
    return bool(is_view is not None and is_view(t))


class Cleaner(_RustCleaner):
    """A reusable, picklable repair pipeline.

    ``Cleaner(script="auto", punct="auto", mojibake=True, byteshift=True, pinyin=True,
    html=True, threads=1)``

    * ``script``: ``"auto"`` (back to Simplified only when the document shows converter
      evidence), ``"hans"``, ``"hant"`` or ``"keep"``.
    * ``punct``: ``"auto"`` (ASCII ``,:;!?`` beside Chinese text become fullwidth, and brackets
      too in a document whose punctuation was folded as a whole) or ``"keep"``.
    * ``mojibake``, ``byteshift``, ``pinyin``, ``html``: switch single repair stages off.
    * ``threads``: Rust threads used by :meth:`fix_batch` and :meth:`fix_arrow`.  The default of
      one suits engines that already run one worker per core (Spark, datatrove, multiprocessing);
      ``0`` means one thread per available core.

    A cleaner holds no threads between calls, so it is safe to create before ``fork``.  Pickling
    keeps only the options.
    """

    __slots__ = ()

    def fix_arrow(self, array: ArrowStrings) -> ArrowStrings:
        """Repairs every string of a pyarrow ``string``/``large_string`` array.

        Nulls stay null and the array type is preserved.  A ``ChunkedArray`` is repaired chunk by
        chunk.  When no element changes, the input array itself is returned (no copy).

        The values cross into Rust as Python strings (``to_pylist``) and come back through
        ``pyarrow.array``: this keeps the wheel free of an Arrow implementation, and the cost is
        small next to the repair itself.
        """
        pa = _pyarrow()
        if isinstance(array, pa.ChunkedArray):
            if not _is_string_type(pa, array.type):
                raise TypeError(f"fix_arrow() expects a string or large_string array, got {array.type}")
            chunks = [self.fix_arrow(chunk) for chunk in array.chunks]
            if all(new is old for new, old in zip(chunks, array.chunks)):
                return array
            return pa.chunked_array(chunks, type=array.type)
        if not isinstance(array, pa.Array):
            if hasattr(array, "__arrow_c_array__"):
                array = pa.array(array)
            else:
                raise TypeError(f"fix_arrow() expects a pyarrow.Array or pyarrow.ChunkedArray, not {type(array).__name__}")
        if not _is_string_type(pa, array.type):
            raise TypeError(f"fix_arrow() expects a string or large_string array, got {array.type}")
        fixed = self._fix_nullable(array.to_pylist())
        if fixed is None:
            return array
        return pa.array(fixed, type=array.type)

