//! Progress bar on standard error, shown only when standard error is a terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::stats::Stats;

/// Reports progress: raw input bytes read (of the known total), documents, throughput, ETA.
pub struct Progress {
    bar: Option<ProgressBar>,
    raw: Arc<AtomicU64>,
}

impl Progress {
    /// A progress reporter; draws a bar only when `show` and standard error is a terminal.
    pub fn new(show: bool, total: Option<u64>) -> Progress {
        let bar = (show && std::io::stderr().is_terminal()).then(|| {
            let bar = match total {
                Some(t) => {
                    ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr_with_hz(4))
                }
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4)),
            };
            let template = if total.is_some() {
                "{spinner} [{elapsed_precise}] {wide_bar} {decimal_bytes}/{decimal_total_bytes} \
                 {decimal_bytes_per_sec} ETA {eta} {msg}"
            } else {
                "{spinner} [{elapsed_precise}] {decimal_bytes} {decimal_bytes_per_sec} {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Progress {
            bar,
            raw: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The counter that input readers add raw bytes to.
    pub fn counter(&self) -> Arc<AtomicU64> {
        self.raw.clone()
    }

    /// Redraws with the current counts.
    pub fn update(&self, stats: &Stats) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.raw.load(Ordering::Relaxed));
            bar.set_message(format!(
                "{} docs, {} changed",
                stats.documents, stats.changed
            ));
        }
    }

    /// Prints a line on standard error without tearing the bar.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
