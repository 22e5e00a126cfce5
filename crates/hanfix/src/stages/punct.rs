//! Stage `punct`.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::text::Replacement;

/// The `punct` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Punct;

impl Stage for Punct {
    fn kind(&self) -> StageKind {
        StageKind::Punct
    }

    fn enabled(&self, _doc: &Doc<'_>) -> bool {
        false
    }

    fn run(&self, _text: &str, _doc: &mut Doc<'_>, _out: &mut Vec<Replacement>) {}
}
