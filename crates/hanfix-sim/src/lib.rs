//! # hanfix-sim
//!
//! A deterministic corruption simulator for Chinese web text, and the accuracy harness that
//! measures [`hanfix`] against it.
//!
//! Every damage family is a function from clean text to damaged text that draws its randomness
//! from a seeded [`Rng`] (SplitMix64), so the same seed always gives the same damage. Families
//! compose in any order through a [`Pipeline`]:
//!
//! ```
//! use hanfix_sim::Pipeline;
//! let p = Pipeline::parse("pinyin+gbshift+fold", 7).unwrap();
//! let damaged = p.apply("今天，我们一起学习中文。明天再见！");
//! assert_eq!(damaged, p.apply("今天，我们一起学习中文。明天再见！"));
//! ```
//!
//! The byte-shift model is documented in [`gbshift`]; the harness in [`eval`].

#![warn(missing_docs)]

pub mod codec;
pub mod corpus;
pub mod eval;

mod family;
pub mod gbshift;
pub mod html;
pub mod lossy;
pub mod metrics;

pub mod mojibake;
pub mod pinyin;
pub mod rng;
pub mod script;

pub use family::{Family, Pipeline, NAMES};
pub use rng::Rng;
