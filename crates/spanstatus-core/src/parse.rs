//! Parsing every spelling of a code: `NOT_FOUND`, `not_found`, `not found`,
//! `not-found`, `NotFound`, the aliases and `"0"`..`"16"`. No allocation.

use core::fmt;
use core::str::FromStr;

use crate::Code;

/// Spellings accepted besides each code's [`Code::as_str`] and [`Code::sentry_str`].
const ALIASES: [(&str, Code); 1] = [
    // Go's `codes.Canceled`, Envoy and Connect spell it with one L.
    ("canceled", Code::Cancelled),
];

/// Longest normalized spelling we ever need to look at (`failed_precondition` is 19).
const MAX_NAME: usize = 24;

/// Every accepted name (lower or upper case, `_`-separated) with its code.
const NAMES: [(&str, Code); 35] = {
    let mut names = [("", Code::Ok); 35];
    let mut i = 0;
    while i < Code::ALL.len() {
        // Sentry's lowercase names first: they own the slot they share with
        // the canonical name, so the most common spelling matches byte for byte.
        names[2 * i] = (Code::ALL[i].sentry_str(), Code::ALL[i]);
        names[2 * i + 1] = (Code::ALL[i].as_str(), Code::ALL[i]);
        i += 1;
    }
    let mut a = 0;
    while a < ALIASES.len() {
        names[34 + a] = ALIASES[a];
        a += 1;
    }
    names
};

const SLOTS: usize = 32;
const EMPTY: u8 = u8::MAX;

/// A perfect hash over the distinct names, checked when the crate compiles:
/// a parse is one hash, one table load and one comparison.
#[inline(always)]
const fn slot(name: &[u8]) -> usize {
    let len = name.len();
    (len * 4 + (name[0] | 0x20) as usize + (name[len - 1] | 0x20) as usize * 3) % SLOTS
}

const LOOKUP: [u8; SLOTS] = {
    let mut table = [EMPTY; SLOTS];
    let mut i = 0;
    while i < NAMES.len() {
        let name = NAMES[i].0.as_bytes();
        assert!(name.len() <= MAX_NAME);
        let s = slot(name);
        if table[s] == EMPTY {
            table[s] = i as u8;
        } else {
            // Only the same name in another case may share a slot.
            assert!(
                eq_ignore_case(NAMES[table[s] as usize].0.as_bytes(), name),
                "two status names share a hash slot: change `slot`"
            );
        }
        i += 1;
    }
    table
};

const fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i].to_ascii_lowercase() != b[i].to_ascii_lowercase() {
            return false;
        }
        i += 1;
    }
    true
}

/// Looks up a `_`-separated name in any ASCII case.
#[inline]
fn lookup(name: &[u8]) -> Option<Code> {
    if name.is_empty() {
        return None;
    }
    let (candidate, code) = NAMES[*LOOKUP.get(slot(name)).filter(|&&i| i != EMPTY)? as usize];
    let candidate = candidate.as_bytes();
    // Exact bytes first: the usual spellings never pay for case folding.
    (candidate == name || candidate.eq_ignore_ascii_case(name)).then_some(code)
}

/// `"0"`..`"16"`: decimal, no sign, no leading zero.
#[inline]
fn decimal(bytes: &[u8]) -> Option<Code> {
    match *bytes {
        [d @ b'0'..=b'9'] => Code::from_i32((d - b'0') as i32),
        [b'1', d @ b'0'..=b'6'] => Code::from_i32(10 + (d - b'0') as i32),
        _ => None,
    }
}

/// Rewrites `not found`, `not-found` and `NotFound` as `not_found` into `buf`.
fn normalize<'b>(input: &[u8], buf: &'b mut [u8; MAX_NAME]) -> Option<&'b [u8]> {
    let mut len = 0;
    let mut after_lower = false;
    for &byte in input {
        let (word_break, out) = match byte {
            b'a'..=b'z' => (false, byte),
            b'A'..=b'Z' => (after_lower, byte.to_ascii_lowercase()),
            b'_' | b'-' | b' ' => (false, b'_'),
            _ => return None,
        };
        if word_break {
            *buf.get_mut(len)? = b'_';
            len += 1;
        }
        *buf.get_mut(len)? = out;
        len += 1;
        after_lower = byte.is_ascii_lowercase();
    }
    Some(&buf[..len])
}

impl Code {
    /// Parses any accepted spelling; [`FromStr`] with the error.
    ///
    /// Accepted, case-insensitively, with `_`, `-` and space alike and CamelCase
    /// words: the canonical name (`NOT_FOUND`), the Sentry name (`not_found`,
    /// `unknown_error`, `internal_error`), `canceled`, and `"0"`..`"16"`.
    pub fn parse(s: &str) -> Result<Code, ParseCodeError> {
        s.parse()
    }
}

impl FromStr for Code {
    type Err = ParseCodeError;

    /// See [`Code::parse`].
    ///
    /// ```
    /// use spanstatus_core::Code;
    ///
    /// for spelling in ["NOT_FOUND", "not_found", "not found", "not-found", "NotFound", "5"] {
    ///     assert_eq!(spelling.parse::<Code>(), Ok(Code::NotFound));
    /// }
    /// assert_eq!("unknown".parse::<Code>(), Ok(Code::Unknown));
    /// assert_eq!("unknown_error".parse::<Code>(), Ok(Code::Unknown));
    /// assert_eq!("Canceled".parse::<Code>(), Ok(Code::Cancelled));
    ///
    /// let err = "teapot".parse::<Code>().unwrap_err();
    /// assert!(err.to_string().starts_with("unrecognized status code \"teapot\""));
    /// ```
    #[inline]
    fn from_str(s: &str) -> Result<Code, ParseCodeError> {
        let bytes = s.as_bytes();
        if let Some(code) = lookup(bytes) {
            return Ok(code);
        }
        let mut buf = [0; MAX_NAME];
        let found = match bytes.first() {
            Some(b'0'..=b'9') => decimal(bytes),
            _ => normalize(bytes, &mut buf).and_then(lookup),
        };
        found.ok_or_else(|| ParseCodeError::new(s))
    }
}

/// How much of a rejected input [`ParseCodeError`] keeps to show.
const SHOWN: usize = 40;

/// The error for a string that is no spelling of a canonical code.
///
/// It keeps the start of the input (up to 40 bytes, cut on a character boundary)
/// and its full length, without allocating, and says what is accepted.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParseCodeError {
    shown: [u8; SHOWN],
    shown_len: u8,
    input_len: usize,
}

impl ParseCodeError {
    fn new(input: &str) -> ParseCodeError {
        let mut cut = input.len().min(SHOWN);
        while !input.is_char_boundary(cut) {
            cut -= 1;
        }
        let mut shown = [0; SHOWN];
        shown[..cut].copy_from_slice(&input.as_bytes()[..cut]);
        ParseCodeError {
            shown,
            shown_len: cut as u8,
            input_len: input.len(),
        }
    }

    /// The start of the rejected input: all of it when [`Self::is_truncated`] is false.
    pub fn input(&self) -> &str {
        // Always a prefix of a `&str` cut on a char boundary.
        core::str::from_utf8(&self.shown[..self.shown_len as usize]).unwrap_or_default()
    }

    /// The length in bytes of the whole rejected input.
    pub const fn input_len(&self) -> usize {
        self.input_len
    }

    /// `true` when the input was longer than what [`Self::input`] shows.
    pub const fn is_truncated(&self) -> bool {
        self.input_len > self.shown_len as usize
    }
}

impl fmt::Debug for ParseCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseCodeError")
            .field("input", &self.input())
            .field("input_len", &self.input_len)
            .finish()
    }
}

impl fmt::Display for ParseCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unrecognized status code \"{}", self.input().escape_debug())?;
        if self.is_truncated() {
            write!(f, "...\" ({} bytes)", self.input_len)?;
        } else {
            f.write_str("\"")?;
        }
        f.write_str(
            ": expected a canonical name in any case with `_`, `-` or space between words \
             or in CamelCase (NOT_FOUND, not_found, not found, NotFound), \
             unknown_error, internal_error, canceled, or a number from 0 to 16",
        )
    }
}

impl core::error::Error for ParseCodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_in_the_lookup() {
        for (name, code) in NAMES {
            assert_eq!(lookup(name.as_bytes()), Some(code), "{name}");
        }
    }

    #[test]
    fn normalize_breaks_camel_case_words_only_after_lowercase() {
        let mut buf = [0; MAX_NAME];
        assert_eq!(normalize(b"NotFound", &mut buf), Some(&b"not_found"[..]));
        assert_eq!(normalize(b"NOT FOUND", &mut buf), Some(&b"not_found"[..]));
        assert_eq!(normalize(b"Not_Found", &mut buf), Some(&b"not_found"[..]));
        assert_eq!(normalize(b"not$found", &mut buf), None);
        assert_eq!(normalize(&[b'a'; MAX_NAME + 1], &mut buf), None);
    }
}
