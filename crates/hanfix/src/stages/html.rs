//! Stage `html`.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::text::Replacement;

/// The `html` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl Stage for Html {
    fn kind(&self) -> StageKind {
        StageKind::Html
    }

    fn enabled(&self, _doc: &Doc<'_>) -> bool {
        false
    }

    fn run(&self, _text: &str, _doc: &mut Doc<'_>, _out: &mut Vec<Replacement>) {}
}
