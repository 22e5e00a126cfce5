//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hanfix::{PunctMode, ScriptMode};

const AFTER_HELP: &str = "\
Examples:
  echo '學(xué)習關(guān)鍵詞,兩張合影' | hanfix fix
  hanfix fix page.txt -o page.fixed.txt
  hanfix fix --jsonl --text-key meta.content crawl/*.jsonl.zst -o fixed.jsonl.zst
  hanfix fix shard-0001.jsonl.gz --annotate --attributes attrs/ -o out/shard-0001.jsonl.gz
  hanfix fix shard.parquet --text-key text -o shard.fixed.parquet
  hanfix explain --jsonl docs.jsonl | head
  hanfix demo

Exit codes: 0 ok, 1 runtime or I/O error, 2 usage error, 3 too many skipped records.";

/// Restore corrupted Chinese web text and explain every edit.
#[derive(Debug, Parser)]
#[command(name = "hanfix", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Repair text, JSON Lines or Parquet documents.
    #[command(after_help = AFTER_HELP)]
    Fix(FixArgs),
    /// Print one JSON object per edit (which stage changed what, where and why).
    #[command(after_help = "Example:\n  hanfix explain --jsonl docs.jsonl.gz -o edits.jsonl")]
    Explain(CommonArgs),
    /// Show a before/after repair of a built-in damaged text.
    Demo,
}

/// Arguments shared by `fix` and `explain`.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Input files or glob patterns; `-` is standard input (the default).
    /// Compression (.gz, .zst) and format (.jsonl, .json.gz, .parquet) follow the extension.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Write to OUT instead of standard output (atomically: a temporary file is renamed into place
    /// on success). Compressed when OUT ends in .gz or .zst.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Read JSON Lines (one JSON object per line) even when the extension does not say so.
    #[arg(long)]
    pub jsonl: bool,

    /// Field (JSON Lines) or column (Parquet) holding the text; dotted paths reach into nested
    /// objects or struct columns, e.g. `meta.content`.
    #[arg(long, value_name = "KEY", default_value = "text")]
    pub text_key: String,

    /// Field naming each document in `explain` output and attribute files.
    #[arg(long, value_name = "KEY", default_value = "id")]
    pub id_key: String,

    /// Output script: `auto` (back to Simplified when a converter made it Traditional), `hans`
    /// (always Simplified), `hant` (always Traditional) or `keep`.
    #[arg(long, value_name = "MODE", default_value = "auto", value_parser = parse_script)]
    pub script: ScriptMode,

    /// Punctuation: `auto` (ASCII `,:;!?` beside Chinese text become fullwidth, brackets too in a
    /// document folded as a whole) or `keep`.
    #[arg(long, value_name = "MODE", default_value = "auto", value_parser = parse_punct)]
    pub punct: PunctMode,

    /// Worker threads (default: all cores). Output is byte-identical for any value.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// What to do with a bad record (malformed JSON, missing or non-string text field).
    /// `skip` passes a bad JSON line through unchanged and counts it.
    #[arg(long, value_enum, value_name = "POLICY", default_value = "fail")]
    pub on_error: OnError,

    /// Stop with exit code 3 once more than N records were skipped (implies --on-error skip).
    #[arg(long, value_name = "N")]
    pub max_errors: Option<u64>,

    /// Write the run summary as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,

    /// No progress bar and no summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,

    /// Target size of the pieces a large plain-text file is processed in (bytes).
    #[arg(long, hide = true, default_value_t = 8 << 20)]
    pub chunk_bytes: usize,
}

/// Arguments of `fix`.
#[derive(Debug, Args, Clone)]
pub struct FixArgs {
    /// Input, output and repair options.
    #[command(flatten)]
    pub common: CommonArgs,

    /// Store the input text beside the repaired text under KEY (JSON Lines and Parquet).
    #[arg(long, value_name = "KEY")]
    pub keep_original: Option<String>,

    /// Add a field with edits per stage, garble score and script decision (JSON Lines and
    /// Parquet); the field is called `hanfix` unless a name is given.
    #[arg(long, value_name = "FIELD", num_args = 0..=1, default_missing_value = "hanfix", require_equals = true)]
    pub annotate: Option<String>,

    /// Write Dolma-style attribute files (one per input file, same name) into DIR, with
    /// code-point spans of the edits of each stage under `hanfix__<stage>`.
    #[arg(long, value_name = "DIR")]
    pub attributes: Option<PathBuf>,
}

/// Policy for bad records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Stop at the first bad record (exit code 1).
    Fail,
    /// Report the record on standard error and go on.
    Skip,
}

fn parse_script(s: &str) -> Result<ScriptMode, String> {
    s.parse::<ScriptMode>().map_err(|e| e.to_string())
}

fn parse_punct(s: &str) -> Result<PunctMode, String> {
    s.parse::<PunctMode>().map_err(|e| e.to_string())
}
