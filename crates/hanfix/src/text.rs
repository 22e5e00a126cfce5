//! Text that remembers where every byte came from.
//!
//! Each stage proposes [`Replacement`]s in the coordinates of the text it saw; [`Tracked::apply`]
//! rewrites the text and keeps a sorted list of edited regions, so any current offset maps back to
//! the original input. Outside edited regions offsets shift by a constant; inside one, a position
//! maps to the region's start (left bias) or end (right bias).

use std::borrow::Cow;

use crate::edit::{Edit, StageKind};

/// A change a stage proposes, in the coordinates of the text the stage saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    /// Start byte offset (inclusive) in the stage's input.
    pub start: usize,
    /// End byte offset (exclusive) in the stage's input.
    pub end: usize,
    /// The replacement text.
    pub text: String,
    /// Confidence from 0 to 1.
    pub confidence: f32,
    /// Why the stage made the change.
    pub reason: Cow<'static, str>,
}

impl Replacement {
    /// A replacement with a static reason.
    pub fn new(
        start: usize,
        end: usize,
        text: impl Into<String>,
        confidence: f32,
        reason: &'static str,
    ) -> Self {
        Replacement {
            start,
            end,
            text: text.into(),
            confidence,
            reason: Cow::Borrowed(reason),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Region {
    cur_start: usize,
    cur_end: usize,
    orig_start: usize,
    orig_end: usize,
}

/// The text under repair plus its alignment with the original input.
#[derive(Debug, Clone, Default)]
pub struct Tracked {
    text: String,
    regions: Vec<Region>,
}

impl Tracked {
    /// Starts tracking `text`; current and original offsets coincide.
    pub fn new(text: String) -> Self {
        Tracked {
            text,
            regions: Vec::new(),
        }
    }

    /// The current text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Gives the current text away.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Maps a current offset to the original input, leaning to the start of an edited region.
    pub fn orig_start(&self, pos: usize) -> usize {
        self.map(pos, false)
    }

    /// Maps a current offset to the original input, leaning to the end of an edited region.
    pub fn orig_end(&self, pos: usize) -> usize {
        self.map(pos, true)
    }

    fn map(&self, pos: usize, right: bool) -> usize {
        let idx = self.regions.partition_point(|r| r.cur_start <= pos);
        if idx == 0 {
            return pos;
        }
        let r = self.regions[idx - 1];
        if pos >= r.cur_end {
            // At an empty (deleted) region a start position belongs after the deleted text and an
            // end position before it.
            if pos == r.cur_end && r.cur_start == r.cur_end && right {
                return r.orig_start;
            }
            r.orig_end + (pos - r.cur_end)
        } else if pos == r.cur_start || !right {
            r.orig_start
        } else {
            r.orig_end
        }
    }

    /// Applies `reps` (sorted by start, non-overlapping; overlapping ones are dropped) made by
    /// `stage`, and appends one [`Edit`] per applied replacement to `edits`.
    pub fn apply(&mut self, stage: StageKind, reps: &mut Vec<Replacement>, edits: &mut Vec<Edit>) {
        if reps.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.text);
        // (old start, old end, new start, new end) of every applied replacement.
        let mut moves: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(reps.len());
        let mut fresh: Vec<Region> = Vec::with_capacity(reps.len());
        let text = splice(&old, reps, |(a, b, na, nb), rep| {
            let (orig_start, orig_end) = (self.map(a, false), self.map(b, true));
            edits.push(Edit {
                start: orig_start,
                end: orig_end,
                stage,
                before: old[a..b].to_owned(),
                after: rep.text,
                confidence: rep.confidence,
                reason: rep.reason,
            });
            moves.push((a, b, na, nb));
            fresh.push(Region {
                cur_start: na,
                cur_end: nb,
                orig_start,
                orig_end,
            });
        });
        // Carry the earlier regions into the new coordinates, then merge them with the new ones.
        let to_new = |p: usize, right: bool| -> usize {
            let i = moves.partition_point(|m| m.0 <= p);
            if i == 0 {
                return p;
            }
            let (a, b, na, nb) = moves[i - 1];
            if p >= b {
                nb + (p - b)
            } else if p == a || !right {
                na
            } else {
                nb
            }
        };
        let mut all: Vec<Region> = self
            .regions
            .iter()
            .map(|r| Region {
                cur_start: to_new(r.cur_start, false),
                cur_end: to_new(r.cur_end, true),
                ..*r
            })
            .chain(fresh)
            .collect();
        all.sort_by_key(|r| (r.cur_start, r.cur_end));
        let mut merged: Vec<Region> = Vec::with_capacity(all.len());
        for r in all {
            match merged.last_mut() {
                Some(last)
                    if r.cur_start < last.cur_end
                        || (r.cur_start == last.cur_start && r.cur_start == r.cur_end) =>
                {
                    last.cur_end = last.cur_end.max(r.cur_end);
                    last.orig_start = last.orig_start.min(r.orig_start);
                    last.orig_end = last.orig_end.max(r.orig_end);
                }
                _ => merged.push(r),
            }
        }
        self.text = text;
        self.regions = merged;
    }

    /// [`Tracked::apply`] for a caller that wants the repaired text and how many edits each
    /// stage made, not the edits: nothing is recorded but `tally`. The alignment with the
    /// original input is neither extended nor moved, so a `Tracked` takes either this or
    /// [`Tracked::apply`], not both.
    pub fn apply_counted(
        &mut self,
        stage: StageKind,
        reps: &mut Vec<Replacement>,
        tally: &mut Tally,
    ) {
        if reps.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.text);
        self.text = splice(&old, reps, |(a, b, _, _), _| tally.add(stage, &old[a..b]));
    }
}

/// How many edits each stage made, and how many characters the repairs replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Edits per stage, indexed by [`StageKind::index`].
    pub per_stage: [usize; 7],
    /// Characters the edits of every stage but `script` and `punct` replaced (at least one per
    /// edit): the damage the input showed.
    pub repaired_chars: usize,
}

impl Tally {
    /// Counts one edit of `stage` that replaced `before`.
    pub fn add(&mut self, stage: StageKind, before: &str) {
        self.per_stage[stage.index()] += 1;
        if !matches!(stage, StageKind::Script | StageKind::Punct) {
            self.repaired_chars += before.chars().count().max(1);
        }
    }

    /// The tally of `edits`.
    pub fn of(edits: &[Edit]) -> Tally {
        let mut t = Tally::default();
        for e in edits {
            t.add(e.stage, &e.before);
        }
        t
    }
}

/// `old` with `reps` applied (sorted here; a replacement that overlaps an earlier one, runs past
/// the end or cuts a character is dropped). `applied` gets each applied replacement with its
/// `(old start, old end, new start, new end)`.
fn splice(
    old: &str,
    reps: &mut Vec<Replacement>,
    mut applied: impl FnMut((usize, usize, usize, usize), Replacement),
) -> String {
    reps.sort_by_key(|r| (r.start, r.end));
    let mut text = String::with_capacity(old.len() + old.len() / 8);
    let mut copied = 0;
    for rep in reps.drain(..) {
        let (a, b) = (rep.start, rep.end);
        let valid = a >= copied
            && a <= b
            && b <= old.len()
            && old.is_char_boundary(a)
            && old.is_char_boundary(b);
        if !valid {
            continue;
        }
        text.push_str(&old[copied..a]);
        let na = text.len();
        text.push_str(&rep.text);
        let nb = text.len();
        copied = b;
        applied((a, b, na, nb), rep);
    }
    text.push_str(&old[copied..]);
    text
}

/// `c`, with a fullwidth digit written as the ASCII digit it stands for (the model shares one
/// class between them).
pub(crate) fn ascii_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Where the line holding byte offset `at` (a char boundary) starts, looking back at most about
/// `reach` bytes: code that looks at the line around each of many points of one long line stays
/// linear in the line's length.
pub(crate) fn line_start_near(text: &str, at: usize, reach: usize) -> usize {
    let mut lo = at.saturating_sub(reach);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    text[lo..at].rfind('\n').map_or(lo, |p| lo + p + 1)
}

/// Where the line holding byte offset `at` (a char boundary) ends, looking ahead at most about
/// `reach` bytes (see [`line_start_near`]).
pub(crate) fn line_end_near(text: &str, at: usize, reach: usize) -> usize {
    let mut hi = at.saturating_add(reach).min(text.len());
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    text[at..hi].find('\n').map_or(hi, |p| at + p)
}

/// `text` with `reps` (sorted, non-overlapping) applied, and the byte range each replacement
/// occupies in the result: what a stage's own proposals would make of the document, for
/// statistics over the repaired text before the proposals are handed on.
pub(crate) fn patched(text: &str, reps: &[Replacement]) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::with_capacity(reps.len());
    let mut at = 0;
    for r in reps {
        out.push_str(&text[at..r.start]);
        let start = out.len();
        out.push_str(&r.text);
        spans.push((start, out.len()));
        at = r.end;
    }
    out.push_str(&text[at..]);
    (out, spans)
}

/// Runs one proposal function over `text` and applies its replacements (for stage tests).
#[cfg(test)]
pub(crate) fn apply_with(text: &str, propose: impl Fn(&str, &mut Vec<Replacement>)) -> String {
    let mut reps = Vec::new();
    propose(text, &mut reps);
    let mut t = Tracked::new(text.to_owned());
    t.apply(StageKind::Html, &mut reps, &mut Vec::new());
    t.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(s: usize, e: usize, t: &str) -> Replacement {
        Replacement::new(s, e, t, 1.0, "test")
    }

    #[test]
    fn patched_text_reports_where_each_replacement_landed() {
        let (t, spans) = patched("ab?cd?e", &[rep(2, 3, "XYZ"), rep(5, 6, "")]);
        assert_eq!(t, "abXYZcde");
        assert_eq!(spans, vec![(2, 5), (7, 7)]);
    }

    #[test]
    fn offsets_survive_two_stages() {
        // "ab(x)cd" -> stage 1 drops "(x)" -> "abcd" -> stage 2 turns "c" into "CC".
        let mut t = Tracked::new("ab(x)cd".into());
        let mut edits = Vec::new();
        t.apply(StageKind::Pinyin, &mut vec![rep(2, 5, "")], &mut edits);
        assert_eq!(t.as_str(), "abcd");
        t.apply(StageKind::Script, &mut vec![rep(2, 3, "CC")], &mut edits);
        assert_eq!(t.as_str(), "abCCd");
        assert_eq!((edits[0].start, edits[0].end), (2, 5));
        assert_eq!((edits[1].start, edits[1].end), (5, 6));
        assert_eq!(edits[1].before, "c");
        // After the edits, offsets map back by the accumulated shift.
        assert_eq!(t.orig_start(4), 6);
        assert_eq!(t.orig_end(5), 7);
    }

    #[test]
    fn replacement_inside_an_earlier_region_maps_to_the_whole_region() {
        let mut t = Tracked::new("xx?abc yy".into());
        let mut edits = Vec::new();
        t.apply(
            StageKind::ByteShift,
            &mut vec![rep(2, 6, "QRS")],
            &mut edits,
        );
        assert_eq!(t.as_str(), "xxQRS yy");
        t.apply(StageKind::Script, &mut vec![rep(3, 4, "r")], &mut edits);
        assert_eq!(t.as_str(), "xxQrS yy");
        assert_eq!((edits[1].start, edits[1].end), (2, 6));
        assert_eq!(t.orig_start(6), 7);
    }

    #[test]
    fn several_replacements_inside_one_earlier_region() {
        let mut t = Tracked::new("a?xyz b".into());
        let mut edits = Vec::new();
        t.apply(
            StageKind::ByteShift,
            &mut vec![rep(1, 5, "PQRS")],
            &mut edits,
        );
        t.apply(
            StageKind::Script,
            &mut vec![rep(1, 2, "p"), rep(3, 4, "r")],
            &mut edits,
        );
        assert_eq!(t.as_str(), "apQrS b");
        assert_eq!(edits.len(), 3);
        assert_eq!((edits[2].start, edits[2].end), (1, 5));
        assert_eq!(t.orig_start(6), 6);
    }

    #[test]
    fn overlapping_and_out_of_range_replacements_are_dropped() {
        let mut t = Tracked::new("abcdef".into());
        let mut edits = Vec::new();
        t.apply(
            StageKind::Html,
            &mut vec![rep(1, 3, "X"), rep(2, 4, "Y"), rep(5, 99, "Z")],
            &mut edits,
        );
        assert_eq!(t.as_str(), "aXdef");
        assert_eq!(edits.len(), 1);
    }

    #[test]
    fn insertion_and_deletion_at_the_same_place() {
        let mut t = Tracked::new("ab".into());
        let mut edits = Vec::new();
        t.apply(StageKind::Punct, &mut vec![rep(1, 1, "-")], &mut edits);
        assert_eq!(t.as_str(), "a-b");
        t.apply(StageKind::Punct, &mut vec![rep(1, 2, "")], &mut edits);
        assert_eq!(t.as_str(), "ab");
        assert_eq!((edits[1].start, edits[1].end), (1, 1));
        assert_eq!(t.orig_end(2), 2);
    }
}
