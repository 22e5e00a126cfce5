//! Stage `byteshift`.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::text::Replacement;

/// The `byteshift` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByteShift;

impl Stage for ByteShift {
    fn kind(&self) -> StageKind {
        StageKind::ByteShift
    }

    fn enabled(&self, _doc: &Doc<'_>) -> bool {
        false
    }

    fn run(&self, _text: &str, _doc: &mut Doc<'_>, _out: &mut Vec<Replacement>) {}
}
