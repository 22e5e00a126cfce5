//! `hanfix-eval`: damage clean documents with the simulator, repair them with hanfix, and report
//! accuracy per damage family.

use std::path::PathBuf;
use std::process::ExitCode;

use hanfix_sim::eval::{self, DEFAULT_FAMILIES};

const USAGE: &str = "\
usage: hanfix-eval [--input FILE.jsonl] [--families a,b+c,...] [--seed N] [--limit N]
                   [--json OUT.json] [--threads N] [--doc-timeout SECS]
                   [--max-timeouts N] [--no-isolate] [--list]

  --input     clean JSON Lines with a `text` field (optional `script`: hans|hant);
              default: the built-in sentences
  --families  comma-separated families; `+` composes layers in order
              (e.g. s2t+pinyin+gbshift+fold); default: a broad set
  --seed      damage seed (default 1)
  --limit     use at most N documents
  --json      also write the full report as JSON
  --threads   worker threads (default 2)
  --doc-timeout  give up repairing one document after SECS seconds (default 30, 0 = never);
              such documents count as unrepaired and are printed on stderr
  --max-timeouts  after N timeouts in one family, stop repairing its documents (default 2)
  --no-isolate    evaluate every family in this process (by default each family runs in a
              child process, so repairs abandoned after a timeout die with it)
  --list      list the family names and exit";

struct Args {
    input: Option<PathBuf>,
    families: Vec<String>,
    seed: u64,
    limit: Option<usize>,
    json: Option<PathBuf>,
    threads: usize,
    doc_timeout: f64,
    max_timeouts: usize,
    worker: bool,
    isolate: bool,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut a = Args {
        input: None,
        families: DEFAULT_FAMILIES.iter().map(|s| s.to_string()).collect(),
        seed: 1,
        limit: None,
        json: None,
        threads: 2,
        doc_timeout: 30.0,
        max_timeouts: 2,
        worker: false,
        isolate: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (flag, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "--list" => {
                println!("{}", hanfix_sim::NAMES.join("\n"));
                println!("(codec families also take :doc for whole-document damage)");
                return Ok(None);
            }
            "--input" => a.input = Some(PathBuf::from(value()?)),
            "--families" => {
                a.families = value()?
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--limit" => a.limit = Some(value()?.parse().map_err(|e| format!("--limit: {e}"))?),
            "--json" => a.json = Some(PathBuf::from(value()?)),
            "--doc-timeout" => {
                a.doc_timeout = value()?
                    .parse()
                    .map_err(|e| format!("--doc-timeout: {e}"))?
            }
            "--family-worker" => a.worker = true,
            "--no-isolate" => a.isolate = false,
            "--max-timeouts" => {
                a.max_timeouts = value()?
                    .parse()
                    .map_err(|e| format!("--max-timeouts: {e}"))?
            }
            "--threads" => a.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    Ok(Some(a))
}

/// Evaluates one family in a child process of this binary.
fn run_isolated(args: &Args, family: &str) -> Result<eval::FamilyStats, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--family-worker")
        .args(["--families", family])
        .args(["--seed", &args.seed.to_string()])
        .args(["--threads", &args.threads.to_string()])
        .args(["--doc-timeout", &args.doc_timeout.to_string()])
        .args(["--max-timeouts", &args.max_timeouts.to_string()]);
    if let Some(p) = &args.input {
        cmd.arg("--input").arg(p);
    }
    if let Some(n) = args.limit {
        cmd.args(["--limit", &n.to_string()]);
    }
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("{family}: cannot start worker: {e}"))?;
    if !out.status.success() {
        return Err(format!("{family}: worker failed ({})", out.status));
    }
    let mut stats: Vec<eval::FamilyStats> =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("{family}: worker output: {e}"))?;
    stats
        .pop()
        .ok_or_else(|| format!("{family}: worker returned nothing"))
}

fn run() -> Result<(), String> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    for f in &args.families {
        hanfix_sim::Pipeline::parse(f, 0)?;
    }
    let (docs, source) = match &args.input {
        Some(p) => (
            eval::load_jsonl(p, args.limit).map_err(|e| format!("{}: {e}", p.display()))?,
            p.display().to_string(),
        ),
        None => {
            let mut d = eval::builtin_docs();
            if let Some(n) = args.limit {
                d.truncate(n);
            }
            (d, "built-in sentences".to_owned())
        }
    };
    if docs.is_empty() {
        return Err("no documents".into());
    }
    let cfg = eval::RunConfig {
        threads: args.threads,
        max_timeouts: args.max_timeouts,
        doc_timeout: (args.doc_timeout > 0.0)
            .then(|| std::time::Duration::from_secs_f64(args.doc_timeout)),
    };
    if args.worker {
        // Child mode: one family, its statistics as JSON on stdout.
        let fixer = hanfix::Fixer::default();
        let mut out = Vec::new();
        for f in &args.families {
            out.push(eval::eval_family(&docs, f, args.seed, &fixer, &cfg)?);
        }
        println!(
            "{}",
            serde_json::to_string(&out).map_err(|e| e.to_string())?
        );
        std::process::exit(0);
    }
    let report = if args.isolate {
        let mut report = eval::evaluate(&docs, &[], args.seed, &cfg)?;
        for f in &args.families {
            report.families.push(run_isolated(&args, f)?);
        }
        report
    } else {
        eval::evaluate(&docs, &args.families, args.seed, &cfg)?
    };
    println!(
        "hanfix-eval: {} documents ({} hans, {} hant) from {source}, seed {}",
        report.docs, report.hans_docs, report.hant_docs, report.seed
    );
    print!("{}", eval::format_table(&report));
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    // Abandoned (timed-out) repairs may still be running: end the process now.
    std::process::exit(0)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hanfix-eval: {e}");
            ExitCode::FAILURE
        }
    }
}
