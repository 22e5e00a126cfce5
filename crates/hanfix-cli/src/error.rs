//! Errors and the exit codes they map to.

use std::fmt;
use std::io;
use std::path::Path;

/// Why a run stopped.
#[derive(Debug)]
pub enum CliError {
    /// The command line asks for something impossible (exit code 2).
    Usage(String),
    /// I/O failure or a bad record under `--on-error fail` (exit code 1).
    Runtime(String),
    /// More records were skipped than `--max-errors` allows (exit code 3).
    TooManyErrors(u64),
    /// Standard output was closed by the reader (`hanfix fix big.txt | head`): stop quietly.
    BrokenPipe,
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Runtime(_) => 1,
            CliError::TooManyErrors(_) => 3,
            CliError::BrokenPipe => 0,
        }
    }

    /// An I/O error while doing `what` with `path`.
    pub fn io(what: &str, path: &Path, err: io::Error) -> CliError {
        if err.kind() == io::ErrorKind::BrokenPipe {
            return CliError::BrokenPipe;
        }
        CliError::Runtime(format!("{what} {}: {err}", path.display()))
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Runtime(m) => f.write_str(m),
            CliError::TooManyErrors(n) => write!(
                f,
                "too many bad records: {n} skipped, more than --max-errors allows"
            ),
            CliError::BrokenPipe => f.write_str("broken pipe"),
        }
    }
}

impl From<io::Error> for CliError {
    fn from(err: io::Error) -> Self {
        if err.kind() == io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Runtime(err.to_string())
        }
    }
}

/// Result alias for the command.
pub type Result<T, E = CliError> = std::result::Result<T, E>;
