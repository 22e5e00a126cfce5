//! Stage `mojibake`.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::text::Replacement;

/// The `mojibake` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mojibake;

impl Stage for Mojibake {
    fn kind(&self) -> StageKind {
        StageKind::Mojibake
    }

    fn enabled(&self, _doc: &Doc<'_>) -> bool {
        false
    }

    fn run(&self, _text: &str, _doc: &mut Doc<'_>, _out: &mut Vec<Replacement>) {}
}
