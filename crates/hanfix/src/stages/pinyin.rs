//! Stage `pinyin`.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::text::Replacement;

/// The `pinyin` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pinyin;

impl Stage for Pinyin {
    fn kind(&self) -> StageKind {
        StageKind::Pinyin
    }

    fn enabled(&self, _doc: &Doc<'_>) -> bool {
        false
    }

    fn run(&self, _text: &str, _doc: &mut Doc<'_>, _out: &mut Vec<Replacement>) {}
}
