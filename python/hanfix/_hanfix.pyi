"""Type stubs for the Rust extension module ``hanfix._hanfix``."""

from typing import Any, Dict, Iterable, List, Literal, Optional, Tuple, TypedDict, Union

__version__: str

ScriptMode = Literal["auto", "hans", "hant", "keep", "simplified", "traditional", "zh-hans", "zh-hant"]
PunctMode = Literal["auto", "keep"]

class EditDict(TypedDict):
    """One edit, as returned by ``explain``. Offsets are code points of the input string."""

    stage: Literal["decode", "mojibake", "byteshift", "pinyin", "script", "punct", "html"]
    start: int
    end: int
    before: str
    after: str
    confidence: float
    reason: str

def fix(
    text: str,
    script: ScriptMode = "auto",
    punct: PunctMode = "auto",
    *,
    mojibake: bool = True,
    byteshift: bool = True,
    pinyin: bool = True,
    html: bool = True,
) -> str:
    """Repairs ``text``; clean text comes back as the same object."""

def explain(
    text: str,
    script: ScriptMode = "auto",
    punct: PunctMode = "auto",
    *,
    mojibake: bool = True,
    byteshift: bool = True,
    pinyin: bool = True,
    html: bool = True,
) -> List[EditDict]:
    """Every edit ``fix`` would make to ``text``, in the order the stages made them."""

class Cleaner:
    """A reusable, picklable repair pipeline (see ``hanfix.Cleaner``)."""

    def __new__(
        cls,
        script: ScriptMode = "auto",
        punct: PunctMode = "auto",
        mojibake: bool = True,
        byteshift: bool = True,
        pinyin: bool = True,
        html: bool = True,
        threads: int = 1,
    ) -> "Cleaner": ...
    @property
    def script(self) -> str: ...
    @property
    def punct(self) -> str: ...
    @property
    def mojibake(self) -> bool: ...
    @property
    def byteshift(self) -> bool: ...
    @property
    def pinyin(self) -> bool: ...
    @property
    def html(self) -> bool: ...
    @property
    def threads(self) -> int: ...
    def options(self) -> Dict[str, Any]:
        """Keyword arguments that rebuild this cleaner."""
    def fix(self, text: str) -> str:
        """Repairs one document."""
    def fix_batch(self, texts: Iterable[str]) -> List[str]:
        """Repairs documents in order, on ``threads`` Rust threads."""
    def _fix_nullable(self, texts: Iterable[Optional[str]]) -> Optional[List[Optional[str]]]: ...
    def explain(self, text: str) -> List[EditDict]:
        """Every edit made to one document."""
    def __reduce__(self) -> Tuple[type, Tuple[Union[str, bool, int], ...]]: ...
