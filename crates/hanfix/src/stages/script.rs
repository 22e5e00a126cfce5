//! Stage `script`.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::text::Replacement;

/// The `script` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Script;

impl Stage for Script {
    fn kind(&self) -> StageKind {
        StageKind::Script
    }

    fn enabled(&self, _doc: &Doc<'_>) -> bool {
        false
    }

    fn run(&self, _text: &str, _doc: &mut Doc<'_>, _out: &mut Vec<Replacement>) {}
}
