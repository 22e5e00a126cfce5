//! The `hanfix` command: repairs corrupted Chinese text in plain-text, JSON Lines and Parquet
//! files at corpus scale, in parallel, with deterministic output.

/// mimalloc instead of the system allocator: repairs allocate per document on every worker, and
/// glibc's per-thread arenas cost system time that a second thread then spends.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod demo;
mod error;
mod io;
mod jsonl;
mod parquet_io;
mod progress;
mod run;
mod stats;

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use hanfix::{Fixer, Options};

use crate::cli::{Cli, Command, CommonArgs, FixArgs, OnError};
use crate::error::{CliError, Result};
use crate::io::{format_of, resolve_inputs, Format, Input, Output};
use crate::progress::Progress;
use crate::run::{Config, Mode, Runner};
use crate::stats::Stats;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fix(args) => process(Mode::Fix, args),
        Command::Explain(common) => process(
            Mode::Explain,
            FixArgs {
                common,
                keep_original: None,
                annotate: None,
                attributes: None,
            },
        ),
        Command::Demo => demo::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hanfix: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Decides the document format of the inputs.
fn decide_format(args: &CommonArgs, inputs: &[Input]) -> Result<Format> {
    let formats: Vec<Option<Format>> = inputs
        .iter()
        .map(|i| i.path().and_then(format_of))
        .collect();
    let out_format = args.output.as_deref().and_then(format_of);
    let parquet_in = formats
        .iter()
        .filter(|f| **f == Some(Format::Parquet))
        .count();
    if parquet_in > 0 {
        if parquet_in != inputs.len() {
            return Err(CliError::Usage(
                "Parquet inputs cannot be mixed with other formats".into(),
            ));
        }
        return Ok(Format::Parquet);
    }
    if out_format == Some(Format::Parquet) {
        return Err(CliError::Usage("Parquet output needs Parquet input".into()));
    }
    if args.jsonl || formats.contains(&Some(Format::Jsonl)) {
        return Ok(Format::Jsonl);
    }
    if inputs == [Input::Stdin] && out_format == Some(Format::Jsonl) {
        return Ok(Format::Jsonl);
    }
    Ok(Format::Plain)
}

fn process(mode: Mode, args: FixArgs) -> Result<()> {
    let started = Instant::now();
    let common = &args.common;
    let inputs = resolve_inputs(&common.inputs)?;
    let format = decide_format(common, &inputs)?;
    if format == Format::Plain && (args.keep_original.is_some() || args.annotate.is_some()) {
        return Err(CliError::Usage(
            "--keep-original and --annotate need JSON Lines or Parquet input (use --jsonl)".into(),
        ));
    }
    if args.keep_original.as_deref() == Some(common.text_key.as_str()) {
        return Err(CliError::Usage(
            "--keep-original must name a field other than --text-key".into(),
        ));
    }
    if format == Format::Parquet {
        if common.output.is_none() && mode == Mode::Fix {
            return Err(CliError::Usage(
                "Parquet output is binary: give a file with -o OUT.parquet".into(),
            ));
        }
        if mode == Mode::Fix
            && common.output.as_deref().and_then(format_of) != Some(Format::Parquet)
        {
            return Err(CliError::Usage(
                "Parquet input needs an output ending in .parquet".into(),
            ));
        }
    }
    if let Some(dir) = &args.attributes {
        std::fs::create_dir_all(dir).map_err(|e| CliError::io("cannot create", dir, e))?;
        let mut names: Vec<String> = inputs.iter().map(run::attribute_name).collect();
        names.sort();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err(CliError::Usage(
                "--attributes: two inputs have the same file name".into(),
            ));
        }
    }
    let on_error = if common.max_errors.is_some() {
        OnError::Skip
    } else {
        common.on_error
    };
    let fixer = Fixer::new(Options {
        script: common.script,
        punct: common.punct,
        ..Default::default()
    });
    let cfg = Config {
        mode,
        fixer,
        text_key: common.text_key.clone(),
        id_key: common.id_key.clone(),
        keep_original: args.keep_original.clone(),
        annotate: args.annotate.clone(),
        attributes: args.attributes.clone(),
        on_error,
        max_errors: common.max_errors,
        chunk_bytes: common.chunk_bytes,
        multi: inputs.len() > 1,
    };
    let total: Option<u64> = inputs.iter().map(Input::size).sum();
    let progress = Progress::new(!common.quiet, total);
    let mut runner = Runner::new(&cfg, common.threads, &progress)?;

    let result = run_all(&mut runner, &cfg, &inputs, format, common);
    progress.finish();
    let elapsed = started.elapsed();
    let stats: &Stats = &runner.stats;
    let status = match &result {
        Ok(()) => "ok",
        Err(CliError::TooManyErrors(_)) => "too-many-errors",
        Err(_) => "error",
    };
    if !common.quiet && !matches!(result, Err(CliError::BrokenPipe)) {
        eprintln!("{}", stats.summary(elapsed));
    }
    if let Some(path) = &common.stats {
        let write = || -> Result<()> {
            let mut f = crate::io::Dest::create(path)?;
            std::io::Write::write_all(&mut f, stats.to_json(elapsed, status).as_bytes())
                .and_then(|_| std::io::Write::write_all(&mut f, b"\n"))
                .map_err(|e| CliError::io("cannot write", path, e))?;
            f.commit(path)
        };
        if let Err(e) = write() {
            eprintln!("hanfix: error: {e}");
        }
    }
    result
}

fn run_all(
    runner: &mut Runner<'_>,
    cfg: &Config,
    inputs: &[Input],
    format: Format,
    common: &CommonArgs,
) -> Result<()> {
    if format == Format::Parquet && cfg.mode == Mode::Fix {
        let out = common.output.as_deref().expect("checked above");
        return parquet_io::fix_files(runner, cfg, inputs, out);
    }
    let mut out = Output::open(common.output.as_deref())?;
    for (i, input) in inputs.iter().enumerate() {
        match format {
            Format::Parquet => parquet_io::explain_file(runner, cfg, i, input, &mut out)?,
            _ => runner.run_text(i, input, format, &mut out)?,
        }
        out.flush()?;
    }
    out.finish()
}
