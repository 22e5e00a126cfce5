use std::fmt;

/// Why input could not be repaired. No input makes the library panic; this is what it says instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The bytes look like binary data, not text (NUL bytes or control characters dominate).
    Binary {
        /// Offset of the first byte that marked the input as binary.
        offset: usize,
    },
    /// The bytes are not valid in any encoding hanfix reads and could not be decoded losslessly.
    Undecodable {
        /// Offset of the first invalid byte.
        offset: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Binary { offset } => write!(
                f,
                "input looks like binary data (control byte at offset {offset})"
            ),
            Error::Undecodable { offset } => write!(
                f,
                "input is not valid UTF-8, GB18030 or Big5 (first bad byte at offset {offset})"
            ),
        }
    }
}

impl std::error::Error for Error {}
