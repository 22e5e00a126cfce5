"""A datatrove formatter that repairs ``Document.text`` with hanfix.

>>> from hanfix.datatrove import HanfixFormatter
>>> HanfixFormatter().format("今天天气很好。")
'今天天气很好。'

When datatrove is installed, :class:`HanfixFormatter` subclasses its ``BaseFormatter`` and drops
into any pipeline (stats, timing and pickling to workers come from datatrove).  Without datatrove
the class still works on its own: ``format`` repairs a string and ``run`` repairs an iterable of
objects with a ``text`` attribute.  datatrove is imported only when this module is imported, never
by ``import hanfix``.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from hanfix import Cleaner

__all__ = ["HanfixFormatter", "HAS_DATATROVE"]

try:
    from datatrove.pipeline.formatters.base import BaseFormatter as _Base

    HAS_DATATROVE = True
except ImportError:
    _Base = object  # type: ignore[assignment,misc]
    HAS_DATATROVE = False


class HanfixFormatter(_Base):  # type: ignore[misc,valid-type]
    """Repairs each document's text: mojibake, byte shifts, injected pinyin, script, punctuation.

    Keyword arguments are those of :class:`hanfix.Cleaner`.
    """

    name = "🀄 hanfix"
    type = "✂️ - FORMAT"

    def __init__(self, **options: Any) -> None:
        if HAS_DATATROVE:
            super().__init__()
        self.cleaner = Cleaner(**options)

    def format(self, text: Any) -> str:
        """Returns the repaired text (a ``Document`` is accepted too: its ``text`` is used)."""
        if not isinstance(text, str):
            text = text.text
        return self.cleaner.fix(text)

    if not HAS_DATATROVE:

        def run(self, data: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterator[Any]:
            """Repairs ``doc.text`` of every document and yields the documents."""
            for doc in data:
                doc.text = self.cleaner.fix(doc.text)
                yield doc

    def __repr__(self) -> str:
        return f"HanfixFormatter({self.cleaner!r})"
