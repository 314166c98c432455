//! [`CodeSet`]: a set of codes in one `u32`, for retry and error policies.

use core::fmt;
use core::str::FromStr;

use crate::{Code, ParseCodeError};

/// A set of codes, `Copy` and usable in `const` items: which codes to retry,
/// which count as errors.
///
/// ```
/// use spanstatus_core::{Code, CodeSet};
///
/// // gRFC A6 `retryableStatusCodes`, in any spelling.
/// let retryable: CodeSet = "UNAVAILABLE, deadline_exceeded, 14".parse()?;
/// assert_eq!(retryable, CodeSet::of(&[Code::Unavailable, Code::DeadlineExceeded]));
/// assert!(retryable.contains(Code::Unavailable));
/// assert_eq!(retryable.to_string(), "DEADLINE_EXCEEDED, UNAVAILABLE");
///
/// assert!(CodeSet::APPLICATION_ONLY.contains(Code::NotFound));
/// # Ok::<(), spanstatus_core::ParseCodeSetError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CodeSet {
    bits: u32,
}

impl CodeSet {
    /// No code.
    pub const EMPTY: CodeSet = CodeSet { bits: 0 };
    /// All 17 codes.
    pub const ALL: CodeSet = CodeSet {
        bits: (1 << Code::ALL.len()) - 1,
    };
    /// Every code but OK.
    pub const ERRORS: CodeSet = CodeSet::ALL.without(Code::Ok);
    /// The codes gRPC libraries never generate, only applications
    /// (statuscodes.md): INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS,
    /// FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, DATA_LOSS.
    pub const APPLICATION_ONLY: CodeSet = CodeSet::of(&[
        Code::InvalidArgument,
        Code::NotFound,
        Code::AlreadyExists,
        Code::FailedPrecondition,
        Code::Aborted,
        Code::OutOfRange,
        Code::DataLoss,
    ]);
    /// The non-OK codes a gRPC library may generate itself (and applications
    /// may return too): every error not in [`CodeSet::APPLICATION_ONLY`].
    pub const LIBRARY_GENERATED: CodeSet = CodeSet::ERRORS.difference(CodeSet::APPLICATION_ONLY);
    /// The codes that make a gRPC *server* span an error in OpenTelemetry's
    /// semantic conventions: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED,
    /// INTERNAL, UNAVAILABLE, DATA_LOSS. (On client spans every error counts:
    /// [`CodeSet::ERRORS`].)
    pub const SERVER_ERRORS: CodeSet = CodeSet::of(&[
        Code::Unknown,
        Code::DeadlineExceeded,
        Code::Unimplemented,
        Code::Internal,
        Code::Unavailable,
        Code::DataLoss,
    ]);
    /// AIP-194's one retryable code: UNAVAILABLE.
    pub const AIP194_RETRYABLE: CodeSet = CodeSet::of(&[Code::Unavailable]);
    /// The codes AIP-194 says must never be retried: CANCELLED,
    /// DEADLINE_EXCEEDED, INVALID_ARGUMENT, DATA_LOSS.
    pub const AIP194_NEVER_RETRY: CodeSet = CodeSet::of(&[
        Code::Cancelled,
        Code::DeadlineExceeded,
        Code::InvalidArgument,
        Code::DataLoss,
    ]);

    /// The set of `codes`.
    pub const fn of(codes: &[Code]) -> CodeSet {
        let mut set = CodeSet::EMPTY;
        let mut i = 0;
        while i < codes.len() {
            set = set.with(codes[i]);
            i += 1;
        }
        set
    }

    /// The set holding exactly the codes whose bit `1 << code` is set in `bits`,
    /// or `None` if a bit above 16 is set.
    pub const fn from_bits(bits: u32) -> Option<CodeSet> {
        if bits & !CodeSet::ALL.bits == 0 {
            Some(CodeSet { bits })
        } else {
            None
        }
    }

    /// Bit `1 << code.as_i32()` for each code in the set.
    pub const fn bits(self) -> u32 {
        self.bits
    }

    /// `true` when `code` is in the set.
    #[inline]
    pub const fn contains(self, code: Code) -> bool {
        self.bits & (1 << code as u32) != 0
    }

    /// The set with `code` added.
    pub const fn with(self, code: Code) -> CodeSet {
        CodeSet {
            bits: self.bits | 1 << code as u32,
        }
    }

    /// The set with `code` removed.
    pub const fn without(self, code: Code) -> CodeSet {
        CodeSet {
            bits: self.bits & !(1 << code as u32),
        }
    }

    /// Codes in either set.
    pub const fn union(self, other: CodeSet) -> CodeSet {
        CodeSet {
            bits: self.bits | other.bits,
        }
    }

    /// Codes in both sets.
    pub const fn intersection(self, other: CodeSet) -> CodeSet {
        CodeSet {
            bits: self.bits & other.bits,
        }
    }

    /// Codes in `self` but not in `other`.
    pub const fn difference(self, other: CodeSet) -> CodeSet {
        CodeSet {
            bits: self.bits & !other.bits,
        }
    }

    /// The codes not in the set.
    pub const fn complement(self) -> CodeSet {
        CodeSet::ALL.difference(self)
    }

    /// How many codes the set holds.
    pub const fn len(self) -> usize {
        self.bits.count_ones() as usize
    }

    /// `true` when the set holds no code.
    pub const fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// The codes in the set, in numeric order.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = Code> + Clone {
        Code::ALL
            .into_iter()
            .filter(move |&code| self.contains(code))
    }
}

impl FromIterator<Code> for CodeSet {
    fn from_iter<I: IntoIterator<Item = Code>>(codes: I) -> CodeSet {
        codes.into_iter().fold(CodeSet::EMPTY, CodeSet::with)
    }
}

impl Extend<Code> for CodeSet {
    fn extend<I: IntoIterator<Item = Code>>(&mut self, codes: I) {
        *self = codes.into_iter().fold(*self, CodeSet::with);
    }
}

impl From<Code> for CodeSet {
    fn from(code: Code) -> CodeSet {
        CodeSet::EMPTY.with(code)
    }
}

impl fmt::Debug for CodeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for CodeSet {
    /// The canonical names in numeric order, `", "`-separated; empty for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, code) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(code.as_str())?;
        }
        Ok(())
    }
}

impl FromStr for CodeSet {
    type Err = ParseCodeSetError;

    /// Parses a comma-separated list such as gRFC A6's `retryableStatusCodes`:
    /// each entry is any spelling [`Code`] accepts, surrounded by optional
    /// whitespace. An empty string (or only whitespace) is the empty set; an
    /// empty entry between commas is an error.
    fn from_str(s: &str) -> Result<CodeSet, ParseCodeSetError> {
        if s.trim().is_empty() {
            return Ok(CodeSet::EMPTY);
        }
        let mut set = CodeSet::EMPTY;
        for (index, entry) in s.split(',').enumerate() {
            let code = entry
                .trim()
                .parse::<Code>()
                .map_err(|error| ParseCodeSetError { index, error })?;
            set = set.with(code);
        }
        Ok(set)
    }
}

/// The error for a code list with an entry that is not a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseCodeSetError {
    index: usize,
    error: ParseCodeError,
}

impl ParseCodeSetError {
    /// Which entry (from 0) was rejected.
    pub const fn index(&self) -> usize {
        self.index
    }

    /// Why it was rejected.
    pub fn error(&self) -> &ParseCodeError {
        &self.error
    }
}

impl fmt::Display for ParseCodeSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {} of the code list: {}", self.index, self.error)
    }
}

impl core::error::Error for ParseCodeSetError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}
