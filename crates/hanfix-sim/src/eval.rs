//! The accuracy harness: damage clean documents, repair them with [`hanfix::Fixer`], and measure.
//!
//! Metrics, per damage family (a single family or a `+`-joined composition):
//!
//! - **CER before / after**: Levenshtein distance in characters between the damaged (resp.
//!   repaired) text and the clean reference, summed over documents and divided by the summed
//!   length of the references (a micro average).
//! - **exact**: share of documents repaired to exactly the reference.
//! - **edit precision**: share of the fixer's edits that move the text toward the reference. An
//!   edit is judged locally: the damaged input is aligned with the reference by a longest common
//!   subsequence; the edit's original span maps to the reference text between the nearest
//!   aligned characters outside the span; the edit is *good* when its `after` is strictly closer
//!   (Levenshtein) to that reference segment than its `before` **and** it does not merely trade
//!   wrong characters for fewer wrong characters: it either shares more characters with the
//!   segment (longer common subsequence) or only deletes (its `after` is a subsequence of its
//!   `before`, as when `(xué)` or `<br>` is removed). This needs no re-run of the fixer; when
//!   damage is dense the segment widens and the test gets more lenient.
//! - **false-change** (clean rows): characters the fixer changed on undamaged input, as a share of
//!   input characters, once with default options and once with `punct: keep`.
//! - **CER after, normalised reference**: the distance of the repaired text to what the same
//!   fixer writes for the clean document (its punctuation normalisation applied: `24日,习` →
//!   `24日，习` where the author wrote the ASCII comma), over the clean length. It counts what
//!   the damage made the fixer get wrong, not the normalisation its options ask for on any
//!   text. The primary CER above is against the clean document as the author wrote it.
//!
//! The reference is always the clean document. Families that convert Simplified to Traditional
//! (`s2t`, `spin`) are skipped on Traditional documents.

use std::io::{self, BufRead};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hanfix::{Edit, Fixer, Options, PunctMode, Report};
use serde::{Deserialize, Serialize};

use crate::corpus::{self, Script};
use crate::family::Pipeline;
use crate::metrics::{aligned_segment, lcs_alignment, levenshtein};
use crate::rng::mix;

/// A clean document.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The clean text.
    pub text: String,
    /// Its script.
    pub script: Script,
}

/// Guesses the script of `text` from hanfix's character classes.
pub fn detect_script(text: &str) -> Script {
    use hanfix::tables::{class, class::SIMP, class::TRAD};
    let (mut t, mut s) = (0usize, 0usize);
    for c in text.chars() {
        let k = class(c);
        t += (k & TRAD != 0) as usize;
        s += (k & SIMP != 0) as usize;
    }
    if t > s {
        Script::Hant
    } else {
        Script::Hans
    }
}

/// The built-in documents.
pub fn builtin_docs() -> Vec<Doc> {
    corpus::builtin()
        .into_iter()
        .map(|(text, script)| Doc { text, script })
        .collect()
}

/// Reads JSON Lines with a `text` field (and optionally `script`: `hans`/`hant`; detected when
/// missing). Lines without a string `text` are skipped.
pub fn load_jsonl(path: &Path, limit: Option<usize>) -> io::Result<Vec<Doc>> {
    let file = std::fs::File::open(path)?;
    let mut docs = Vec::new();
    for line in io::BufReader::new(file).lines() {
        if limit.is_some_and(|n| docs.len() >= n) {
            break;
        }
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let Some(text) = v.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        let script = match v.get("script").and_then(|s| s.as_str()) {
            Some("hant") | Some("zh-hant") => Script::Hant,
            Some("hans") | Some("zh-hans") => Script::Hans,
            _ => detect_script(text),
        };
        docs.push(Doc {
            text: text.to_owned(),
            script,
        });
    }
    Ok(docs)
}

/// The families evaluated when none are given. `fold+gbshift+fold` models pages whose source
/// punctuation was already ASCII (as crawled mainland pages store it), so shifted spans end at the
/// first comma, as in the reference crawl; `gbshift+fold` lets spans run through fullwidth
/// punctuation.
pub const DEFAULT_FAMILIES: &[&str] = &[
    "s2t",
    "pinyin",
    "pinyin_space",
    "pinyin_toneless",
    "pinyin_repeat",
    "pinyin_doubled",
    "pinyin_poly",
    "gbshift+fold",
    "fold+gbshift+fold",
    "gbshift_annotated+fold",
    "fold",
    "utf8_as_gbk",
    "utf8_as_gbk2",
    "utf8_as_gbk_strict",
    "gbk_as_latin1",
    "gbk_as_cp1252",
    "utf8_as_cp1252",
    "utf8_as_latin1",
    "big5_as_gbk",
    "gbk_as_big5",
    "kunjinkao",
    "fffd",
    "utf8_as_gbk:doc",
    "utf8_as_gbk_strict:doc",
    "gbk_as_latin1:doc",
    "utf8_as_cp1252:doc",
    "spin",
    "html",
    "s2t+pinyin_trad+gbshift+fold",
];

/// Results for one damage family.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FamilyStats {
    /// The family as given (`s2t+pinyin+gbshift+fold`).
    pub family: String,
    /// Documents evaluated.
    pub docs: usize,
    /// Documents skipped (Traditional documents for script-converting families).
    pub skipped: usize,
    /// Documents the damage actually changed.
    pub damaged: usize,
    /// Characters in the references.
    pub ref_chars: usize,
    /// Summed distance damaged → reference.
    pub dist_before: usize,
    /// Summed distance repaired → reference.
    pub dist_after: usize,
    /// CER of the damaged text.
    pub cer_before: f64,
    /// CER of the repaired text.
    pub cer_after: f64,
    /// Summed distance repaired → the fixer's output for the clean document.
    #[serde(default)]
    pub dist_after_normalized: usize,
    /// `dist_after_normalized / ref_chars`.
    #[serde(default)]
    pub cer_after_normalized: f64,
    /// Documents repaired exactly.
    pub exact: usize,
    /// `exact / docs`.
    pub exact_rate: f64,
    /// Edits made.
    pub edits: usize,
    /// Edits judged good.
    pub good_edits: usize,
    /// `good_edits / edits` (1 when there were no edits).
    pub edit_precision: f64,
    /// Edits per stage.
    pub edits_per_stage: Vec<(String, usize)>,
    /// Documents whose repair exceeded the time limit (counted as left unrepaired).
    pub timeouts: usize,
    /// Documents not evaluated because the family already had [`RunConfig::max_timeouts`]
    /// timeouts (excluded from every metric).
    pub given_up: usize,
    /// Wall time of the repairs, seconds.
    pub repair_secs: f64,
}

/// False changes on undamaged input for one option set.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CleanStats {
    /// `default` or `punct-keep`.
    pub options: String,
    /// Documents.
    pub docs: usize,
    /// Input characters.
    pub chars: usize,
    /// Summed distance repaired → input.
    pub changed_chars: usize,
    /// `changed_chars / chars`.
    pub false_change_rate: f64,
    /// Documents left exactly as they were.
    pub unchanged_docs: usize,
    /// `unchanged_docs / docs`.
    pub unchanged_rate: f64,
    /// Edits made (all of them false).
    pub edits: usize,
    /// Traditional documents.
    pub hant_docs: usize,
    /// Traditional documents left unchanged.
    pub hant_unchanged: usize,
}

/// Everything one harness run measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    /// The seed.
    pub seed: u64,
    /// Documents read.
    pub docs: usize,
    /// Simplified documents.
    pub hans_docs: usize,
    /// Traditional documents.
    pub hant_docs: usize,
    /// One entry per family.
    pub families: Vec<FamilyStats>,
    /// Clean-input checks.
    pub clean: Vec<CleanStats>,
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn lcs_len(a: &[char], b: &[char]) -> usize {
    lcs_alignment(a, b).iter().filter(|m| m.is_some()).count()
}

fn is_subsequence(a: &[char], b: &[char]) -> bool {
    let mut it = b.iter();
    a.iter().all(|x| it.any(|y| y == x))
}

/// Judges `edits` made on `damaged` against `clean`; returns how many are good (see the module
/// documentation).
pub fn judge_edits(damaged: &str, clean: &str, edits: &[Edit]) -> usize {
    if edits.is_empty() {
        return 0;
    }
    let d = chars(damaged);
    let c = chars(clean);
    let alignment = lcs_alignment(&d, &c);
    edits
        .iter()
        .filter(|e| {
            let (s, t) = e.char_span(damaged);
            let (l, r) = aligned_segment(&alignment, c.len(), s, t);
            let seg = &c[l..r];
            let (after, before) = (chars(&e.after), chars(&e.before));
            if levenshtein(&after, seg) >= levenshtein(&before, seg) {
                return false;
            }
            lcs_len(&after, seg) > lcs_len(&before, seg) || is_subsequence(&after, &before)
        })
        .count()
}

/// Per-document outcome of one family.
struct DocOutcome {
    damaged: bool,
    ref_chars: usize,
    before: usize,
    after: usize,
    after_normalized: usize,
    exact: bool,
    edits: usize,
    good: usize,
    per_stage: [usize; 7],
    timed_out: bool,
}

/// Repairs `text` on a helper thread, giving up after `timeout` (the helper is then abandoned;
/// it ends with the process). `None` on timeout.
pub fn fix_with_timeout(fixer: &Fixer, text: &str, timeout: Option<Duration>) -> Option<Report> {
    let Some(timeout) = timeout else {
        return Some(fixer.fix_report(text));
    };
    let (tx, rx) = mpsc::channel();
    let (f, t) = (fixer.clone(), text.to_owned());
    std::thread::Builder::new()
        .name("hanfix-eval-fix".into())
        .spawn(move || {
            let _ = tx.send(f.fix_report(&t));
        })
        .ok()?;
    rx.recv_timeout(timeout).ok()
}

fn run_doc(
    fixer: &Fixer,
    pipeline: &Pipeline,
    clean: &str,
    timeout: Option<Duration>,
) -> DocOutcome {
    let damaged = pipeline.apply(clean);
    let (report, timed_out) = match fix_with_timeout(fixer, &damaged, timeout) {
        Some(r) => (r, false),
        None => {
            eprintln!(
                "hanfix-eval: timeout after {:?} repairing {} damage; input: {damaged:?}",
                timeout.unwrap_or_default(),
                pipeline
            );
            (
                Report {
                    text: damaged.clone(),
                    ..Report::default()
                },
                true,
            )
        }
    };
    let c = chars(clean);
    let before = levenshtein(&chars(&damaged), &c);
    let repaired = chars(&report.text);
    let after = levenshtein(&repaired, &c);
    // What the fixer writes for the undamaged document (only its punctuation normalisation).
    let normalized = fixer.fix(clean);
    let after_normalized = if normalized == clean {
        after
    } else {
        levenshtein(&repaired, &chars(&normalized))
    };
    let good = judge_edits(&damaged, clean, &report.edits);
    let mut per_stage = [0usize; 7];
    for (i, (_, n)) in report.edits_per_stage().iter().enumerate() {
        per_stage[i] = *n;
    }
    DocOutcome {
        damaged: damaged != clean,
        ref_chars: c.len(),
        before,
        after,
        after_normalized,
        exact: report.text == clean,
        edits: report.edits.len(),
        good,
        per_stage,
        timed_out,
    }
}

/// Maps `f` over `items` on up to `threads` threads, keeping order.
fn par_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().enumerate().map(|(i, x)| f(i, x)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(k, part)| {
                let f = &f;
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, x)| f(k * chunk + i, x))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker panicked"))
            .collect()
    })
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Evaluates one family specification (`s2t+pinyin+gbshift+fold`) on `docs`.
pub fn eval_family(
    docs: &[Doc],
    spec: &str,
    seed: u64,
    fixer: &Fixer,
    cfg: &RunConfig,
) -> Result<FamilyStats, String> {
    let base = Pipeline::parse(spec, seed)?;
    let skip_hant = base.converts_script();
    let start = Instant::now();
    let timeouts = AtomicUsize::new(0);
    let outcomes = par_map(docs, cfg.threads, |i, doc| {
        if skip_hant && doc.script == Script::Hant {
            return None;
        }
        let p = Pipeline {
            families: base.families.clone(),
            seed: mix(seed, i as u64),
        };
        if timeouts.load(Ordering::Relaxed) >= cfg.max_timeouts {
            return Some(None);
        }
        let o = run_doc(fixer, &p, &doc.text, cfg.doc_timeout);
        if o.timed_out {
            timeouts.fetch_add(1, Ordering::Relaxed);
        }
        Some(Some(o))
    });
    let mut st = FamilyStats {
        family: spec.to_owned(),
        ..FamilyStats::default()
    };
    let mut per_stage = [0usize; 7];
    for o in &outcomes {
        let o = match o {
            None => {
                st.skipped += 1;
                continue;
            }
            Some(None) => {
                st.given_up += 1;
                continue;
            }
            Some(Some(o)) => o,
        };
        st.docs += 1;
        st.damaged += o.damaged as usize;
        st.ref_chars += o.ref_chars;
        st.dist_before += o.before;
        st.dist_after += o.after;
        st.dist_after_normalized += o.after_normalized;
        st.exact += o.exact as usize;
        st.edits += o.edits;
        st.good_edits += o.good;
        st.timeouts += o.timed_out as usize;
        for (a, b) in per_stage.iter_mut().zip(o.per_stage) {
            *a += b;
        }
    }
    st.repair_secs = start.elapsed().as_secs_f64();
    st.cer_before = ratio(st.dist_before, st.ref_chars);
    st.cer_after = ratio(st.dist_after, st.ref_chars);
    st.cer_after_normalized = ratio(st.dist_after_normalized, st.ref_chars);
    st.exact_rate = ratio(st.exact, st.docs);
    st.edit_precision = if st.edits == 0 {
        1.0
    } else {
        ratio(st.good_edits, st.edits)
    };
    st.edits_per_stage = hanfix::StageKind::ALL
        .iter()
        .zip(per_stage)
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k.name().to_owned(), n))
        .collect();
    Ok(st)
}

/// Measures false changes on the undamaged documents.
pub fn eval_clean(docs: &[Doc], name: &str, fixer: &Fixer, cfg: &RunConfig) -> CleanStats {
    let outcomes = par_map(docs, cfg.threads, |_, doc| {
        let r = fix_with_timeout(fixer, &doc.text, cfg.doc_timeout).unwrap_or_else(|| {
            eprintln!("hanfix-eval: timeout repairing clean input: {:?}", doc.text);
            Report {
                text: doc.text.clone(),
                ..Report::default()
            }
        });
        let c = chars(&doc.text);
        (
            c.len(),
            levenshtein(&chars(&r.text), &c),
            r.text == doc.text,
            r.edits.len(),
            doc.script,
        )
    });
    let mut st = CleanStats {
        options: name.to_owned(),
        ..CleanStats::default()
    };
    for (n, d, same, edits, script) in outcomes {
        st.docs += 1;
        st.chars += n;
        st.changed_chars += d;
        st.unchanged_docs += same as usize;
        st.edits += edits;
        if script == Script::Hant {
            st.hant_docs += 1;
            st.hant_unchanged += same as usize;
        }
    }
    st.false_change_rate = ratio(st.changed_chars, st.chars);
    st.unchanged_rate = ratio(st.unchanged_docs, st.docs);
    st
}

/// How the harness runs.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Worker threads.
    pub threads: usize,
    /// Per-document repair time limit; `None` waits forever. A timed-out repair cannot be
    /// cancelled: its thread is abandoned and keeps a core busy until the process exits.
    pub doc_timeout: Option<Duration>,
    /// After this many timeouts in one family, its remaining documents are skipped (excluded
    /// from the metrics), so abandoned repairs do not pile up.
    pub max_timeouts: usize,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            threads: 2,
            doc_timeout: Some(Duration::from_secs(30)),
            max_timeouts: 2,
        }
    }
}

/// Runs every family in `specs` and the clean checks.
pub fn evaluate(
    docs: &[Doc],
    specs: &[String],
    seed: u64,
    cfg: &RunConfig,
) -> Result<EvalReport, String> {
    let fixer = Fixer::default();
    let keep = Fixer::new(Options {
        punct: PunctMode::Keep,
        ..Options::default()
    });
    let mut report = EvalReport {
        seed,
        docs: docs.len(),
        hans_docs: docs.iter().filter(|d| d.script == Script::Hans).count(),
        hant_docs: docs.iter().filter(|d| d.script == Script::Hant).count(),
        ..EvalReport::default()
    };
    for spec in specs {
        report
            .families
            .push(eval_family(docs, spec, seed, &fixer, cfg)?);
    }
    report.clean.push(eval_clean(docs, "default", &fixer, cfg));
    report
        .clean
        .push(eval_clean(docs, "punct-keep", &keep, cfg));
    Ok(report)
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// Renders the report as a plain-text table.
pub fn format_table(r: &EvalReport) -> String {
    let mut rows: Vec<[String; 8]> = vec![[
        "family".into(),
        "docs".into(),
        "CER before".into(),
        "CER after".into(),
        "(norm. ref)".into(),
        "exact".into(),
        "edit prec".into(),
        "false-change".into(),
    ]];
    for f in &r.families {
        rows.push([
            f.family.clone(),
            if f.skipped > 0 {
                format!("{} (-{})", f.docs, f.skipped)
            } else {
                f.docs.to_string()
            },
            pct(f.cer_before),
            pct(f.cer_after),
            pct(f.cer_after_normalized),
            pct(f.exact_rate),
            if f.edits == 0 {
                "-".into()
            } else {
                format!("{} ({})", pct(f.edit_precision), f.edits)
            },
            "-".into(),
        ]);
    }
    for c in &r.clean {
        rows.push([
            format!("clean ({})", c.options),
            c.docs.to_string(),
            pct(0.0),
            pct(c.false_change_rate),
            "-".into(),
            pct(c.unchanged_rate),
            if c.edits == 0 {
                "-".into()
            } else {
                format!("0.00% ({})", c.edits)
            },
            pct(c.false_change_rate),
        ]);
    }
    let mut widths = [0usize; 8];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        for (k, (cell, w)) in row.iter().zip(widths).enumerate() {
            let pad = w - cell.chars().count();
            if k == 0 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("  ");
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        out.push('\n');
        if i == 0 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * 7));
            out.push('\n');
        }
    }
    for f in r.families.iter().filter(|f| f.timeouts + f.given_up > 0) {
        out.push_str(&format!(
            "note: {}: {} document(s) timed out (counted as unrepaired), {} more skipped after that\n",
            f.family, f.timeouts, f.given_up
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn edit(damaged: &str, before: &str, after: &str) -> Edit {
        let start = damaged.find(before).unwrap();
        Edit {
            start,
            end: start + before.len(),
            stage: hanfix::StageKind::Mojibake,
            before: before.into(),
            after: after.into(),
            confidence: 1.0,
            reason: Cow::Borrowed("test"),
        }
    }

    #[test]
    fn judges_edits_locally() {
        let clean = "我們合影很好。";
        let damaged = "我們鍚堝奖很好。";
        assert_eq!(
            judge_edits(damaged, clean, &[edit(damaged, "鍚堝奖", "合影")]),
            1
        );
        assert_eq!(
            judge_edits(damaged, clean, &[edit(damaged, "鍚堝奖", "哈哈")]),
            0
        );
        // Changing an undamaged character is never good.
        assert_eq!(judge_edits(damaged, clean, &[edit(damaged, "很", "狠")]), 0);
        let p = "學(xué)習";
        assert_eq!(judge_edits(p, "学习", &[edit(p, "(xué)", "")]), 1);
    }

    #[test]
    fn identical_documents_have_zero_cer() {
        let docs = vec![Doc {
            text: "今天天气很好。".into(),
            script: Script::Hans,
        }];
        let c = eval_clean(&docs, "default", &Fixer::default(), &RunConfig::default());
        assert_eq!(c.chars, 7);
        assert_eq!(c.changed_chars, 0);
        assert_eq!(c.false_change_rate, 0.0);
    }

    #[test]
    fn family_stats_add_up() {
        let docs = builtin_docs();
        let cfg = RunConfig::default();
        let st = eval_family(&docs, "s2t+fold", 3, &Fixer::default(), &cfg).unwrap();
        assert_eq!(st.docs + st.skipped, docs.len());
        assert_eq!(st.skipped, corpus::HANT.len());
        assert!(st.cer_before > 0.0);
        let st = eval_family(&docs, "fold", 3, &Fixer::default(), &cfg).unwrap();
        assert_eq!(st.skipped, 0);
        assert!(eval_family(&docs, "bogus", 3, &Fixer::default(), &cfg).is_err());
    }

    #[test]
    fn the_normalised_reference_does_not_count_what_the_options_ask_for() {
        // The author wrote ASCII commas beside Chinese text: the default options widen them
        // whatever the damage, which the primary CER counts and the normalised one does not.
        let docs = vec![Doc {
            text: "今天,天气很好,我们出去玩。".into(),
            script: Script::Hans,
        }];
        let st = eval_family(&docs, "fold", 1, &Fixer::default(), &RunConfig::default()).unwrap();
        assert_eq!(st.dist_after, 2);
        assert_eq!(st.dist_after_normalized, 0);
        assert_eq!(st.cer_after_normalized, 0.0);
        // With punctuation kept, the two references are the same text.
        let keep = Fixer::new(Options {
            punct: PunctMode::Keep,
            ..Options::default()
        });
        let st = eval_family(&docs, "fold", 1, &keep, &RunConfig::default()).unwrap();
        assert_eq!(st.dist_after, 0);
        assert_eq!(st.dist_after_normalized, 0);
    }

    #[test]
    fn table_renders_every_family() {
        let docs: Vec<Doc> = builtin_docs().into_iter().take(3).collect();
        let r = evaluate(
            &docs,
            &["fold".into(), "html".into()],
            1,
            &RunConfig::default(),
        )
        .unwrap();
        let t = format_table(&r);
        assert!(
            t.contains("fold") && t.contains("html") && t.contains("clean (punct-keep)"),
            "{t}"
        );
    }
}
