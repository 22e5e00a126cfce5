//! The one record every repair stage emits.

use std::borrow::Cow;
use std::fmt;

/// The repair stage that produced an [`Edit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StageKind {
    /// Bytes to text: charset detection, invalid UTF-8.
    Decode,
    /// Classic codec round trips (UTF-8 read as GBK, GBK read as Latin-1, `锟斤拷`, ...).
    Mojibake,
    /// GB18030 spans decoded one byte late.
    ByteShift,
    /// Dictionary pinyin injected after characters: `學(xué)`.
    Pinyin,
    /// Traditional/Simplified script restoration.
    Script,
    /// ASCII punctuation where the author wrote fullwidth.
    Punct,
    /// Stray HTML tags and entities.
    Html,
}

// `StageKind::index` relies on `ALL` listing the stages in declaration order.
const _: () = {
    let mut i = 0;
    while i < StageKind::ALL.len() {
        assert!(StageKind::ALL[i] as usize == i);
        i += 1;
    }
};

impl StageKind {
    /// Position of the stage in [`StageKind::ALL`] (pipeline order).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// `counts` (indexed by [`StageKind::index`]) paired with their stages, in pipeline order.
    pub fn with_counts(counts: [usize; 7]) -> [(StageKind, usize); 7] {
        StageKind::ALL.map(|k| (k, counts[k.index()]))
    }

    /// Every stage, in pipeline order.
    pub const ALL: [StageKind; 7] = [
        StageKind::Decode,
        StageKind::Mojibake,
        StageKind::ByteShift,
        StageKind::Pinyin,
        StageKind::Script,
        StageKind::Punct,
        StageKind::Html,
    ];

    /// Stable lower-case name, used in JSON output and statistics.
    pub fn name(self) -> &'static str {
        match self {
            StageKind::Decode => "decode",
            StageKind::Mojibake => "mojibake",
            StageKind::ByteShift => "byteshift",
            StageKind::Pinyin => "pinyin",
            StageKind::Script => "script",
            StageKind::Punct => "punct",
            StageKind::Html => "html",
        }
    }

    /// Parses a name produced by [`StageKind::name`].
    pub fn from_name(name: &str) -> Option<StageKind> {
        StageKind::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for StageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One accepted change, explained.
///
/// `start..end` is a byte range of the **original input** passed to the fixer (for
/// [`crate::Fixer::fix_bytes`], of the decoded text). Edits of later stages may cover text that
/// earlier stages produced; their span is then the original range that text came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// Byte offset in the original input where the edited text starts.
    pub start: usize,
    /// Byte offset in the original input where the edited text ends (exclusive).
    pub end: usize,
    /// The stage that made the edit.
    pub stage: StageKind,
    /// The text the stage saw (after earlier stages).
    pub before: String,
    /// The text the stage wrote instead.
    pub after: String,
    /// How sure the stage is, from 0 to 1.
    pub confidence: f32,
    /// A short human-readable reason.
    pub reason: Cow<'static, str>,
}

impl Edit {
    /// The edit's span as code-point offsets into `original` (the text the byte offsets refer to).
    ///
    /// Offsets that do not fall on a character boundary are rounded down.
    pub fn char_span(&self, original: &str) -> (usize, usize) {
        let start = char_offset(original, self.start);
        let end = start
            + char_offset(
                &original[floor_boundary(original, self.start)..],
                self.end.saturating_sub(self.start),
            );
        (start, end)
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn char_offset(s: &str, byte: usize) -> usize {
    let b = floor_boundary(s, byte);
    s[..b].chars().count()
}
