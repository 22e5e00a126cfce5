"""A datatrove formatter that repairs ``Document.text`` with hanfix.

>>> from hanfix.datatrove import HanfixFormatter
>>> HanfixFormatter().format("今天天气很好。")
'今天天气很好。'

When datatrove is installed, :class:`HanfixFormatter` subclasses its ``BaseFormatter`` (or its
``PipelineStep`` when the formatters package misses an optional dependency) and drops into any
pipeline; stats, timing and shipping to workers come from datatrove.  Without datatrove
the class still works on its own: ``format`` repairs a string and ``run`` repairs an iterable of
objects with a ``text`` attribute.  datatrove is imported only when this module is imported, never
by ``import hanfix``.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from hanfix import Cleaner

__all__ = ["HanfixFormatter", "HAS_DATATROVE"]


def _datatrove_base() -> tuple:
    """datatrove's formatter base class, else its pipeline step base, else ``object``."""
    try:
        from datatrove.pipeline.formatters.base import BaseFormatter

        return BaseFormatter, True
    except ImportError:  # datatrove absent, or its formatters package lacks an optional dependency
        pass
    try:
        from datatrove.pipeline.base import PipelineStep

        return PipelineStep, True
    except ImportError:
        return object, False


_Base, HAS_DATATROVE = _datatrove_base()


class HanfixFormatter(_Base):  # type: ignore[misc,valid-type]
    """Repairs each document's text: mojibake, byte shifts, injected pinyin, script, punctuation.

    Keyword arguments are those of :class:`hanfix.Cleaner`.
    """

    name = "🀄 hanfix"
    type = "✂️ - FORMAT"

    def __init__(self, **options: Any) -> None:
        self.cleaner = Cleaner(**options)  # first: datatrove's __init__ already names the step
        if HAS_DATATROVE:
            super().__init__()

    def format(self, text: Any) -> str:
        """Returns the repaired text (a ``Document`` is accepted too: its ``text`` is used)."""
        if not isinstance(text, str):
            text = text.text
        return self.cleaner.fix(text)

    def run(self, data: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        """Repairs ``doc.text`` of every document and yields the documents.

        Under datatrove this also counts ``total`` and ``formatted`` documents and times the
        step, as datatrove's own formatters do.
        """
        stats = HAS_DATATROVE and hasattr(self, "stat_update")
        for doc in data:
            if stats:
                self.stat_update("total")
                with self.track_time():
                    fixed = self.cleaner.fix(doc.text)
            else:
                fixed = self.cleaner.fix(doc.text)
            if fixed is not doc.text:
                doc.text = fixed
                if stats:
                    self.stat_update("formatted")
            yield doc
