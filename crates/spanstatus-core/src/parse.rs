//! Parsing every spelling of a code: `NOT_FOUND`, `not_found`, `not found`,
//! `not-found`, `NotFound`, the aliases and `"0"`..`"16"`, and Sentry statuses
//! (the same plus Relay's legacy names). Parsing never allocates.

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
        // The Sentry name and the canonical name share a slot unless they
        // differ by more than case (`unknown_error` and `UNKNOWN`).
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

/// A perfect hash over the distinct names, checked when the crate compiles:
/// a parse is one hash, one table load and one comparison.
#[inline(always)]
const fn slot(name: &[u8]) -> usize {
    let len = name.len();
    (len * 4 + (name[0] | 0x20) as usize + (name[len - 1] | 0x20) as usize * 3) % SLOTS
}

/// One slot of [`LOOKUP`]: a name, lowercase and zero-padded, with the bits that
/// fold its case (`0x20` under each letter, `0` under each `_`), so that
/// `input | fold == lower` holds exactly for the name in any ASCII case.
#[derive(Clone, Copy)]
struct Entry {
    lower: [u8; MAX_NAME],
    fold: [u8; MAX_NAME],
    /// `0` for an empty slot: no input of length 0 is ever looked up.
    len: u8,
    code: Code,
}

const LOOKUP: [Entry; SLOTS] = {
    let empty = Entry {
        lower: [0; MAX_NAME],
        fold: [0; MAX_NAME],
        len: 0,
        code: Code::Ok,
    };
    let mut table = [empty; SLOTS];
    let mut i = 0;
    while i < NAMES.len() {
        let name = NAMES[i].0.as_bytes();
        assert!(!name.is_empty() && name.len() <= MAX_NAME);
        let s = slot(name);
        if table[s].len == 0 {
            let mut entry = Entry {
                len: name.len() as u8,
                code: NAMES[i].1,
                ..empty
            };
            let mut j = 0;
            while j < name.len() {
                assert!(name[j].is_ascii_alphabetic() || name[j] == b'_');
                entry.lower[j] = name[j].to_ascii_lowercase();
                entry.fold[j] = if name[j] == b'_' { 0 } else { 0x20 };
                j += 1;
            }
            table[s] = entry;
        } else {
            // Only the same name in another case may share a slot.
            let entry = &table[s];
            assert!(
                eq_ignore_case(entry.lower.split_at(entry.len as usize).0, name),
                "two status names share a hash slot: change `slot`"
            );
            assert!(entry.code as i32 == NAMES[i].1 as i32);
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
        if !a[i].eq_ignore_ascii_case(&b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// `N` bytes of `bytes` from `at`, as a little-endian number.
#[inline(always)]
fn load<const N: usize>(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word[..N].copy_from_slice(&bytes[at..at + N]);
    u64::from_le_bytes(word)
}

/// Looks up a `_`-separated name in any ASCII case.
///
/// Compares whole words instead of bytes: for lengths of 8 and more, the first
/// and last 8 bytes (and the middle 8 beyond 16), for 4 to 7 the first and last
/// 4; overlapping loads cover every byte without a loop.
#[inline]
fn lookup(name: &[u8]) -> Option<Code> {
    let len = name.len();
    if len == 0 || len > MAX_NAME {
        return None;
    }
    let entry = &LOOKUP[slot(name)];
    if usize::from(entry.len) != len {
        return None;
    }
    let (lower, fold) = (&entry.lower, &entry.fold);
    let diff = if len >= 8 {
        let at = |i: usize| (load::<8>(name, i) | load::<8>(fold, i)) ^ load::<8>(lower, i);
        let middle = if len > 16 { at(8) } else { 0 };
        at(0) | at(len - 8) | middle
    } else if len >= 4 {
        let at = |i: usize| (load::<4>(name, i) | load::<4>(fold, i)) ^ load::<4>(lower, i);
        at(0) | at(len - 4)
    } else {
        let at = |i: usize| (load::<1>(name, i) | load::<1>(fold, i)) ^ load::<1>(lower, i);
        at(0) | at(len / 2) | at(len - 1)
    };
    (diff == 0).then_some(entry.code)
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

/// Rewrites `not found`, `not-found` and, when `camel` is set, `NotFound` as
/// `not_found` into `buf`.
///
/// Without `camel` an uppercase letter never starts a word, so separated words
/// may be in any case (`nOt FoUnD`), as they may with `_` (which [`lookup`]
/// matches directly).
fn normalize<'b>(input: &[u8], buf: &'b mut [u8; MAX_NAME], camel: bool) -> Option<&'b [u8]> {
    let mut len = 0;
    let mut after_lower = false;
    for &byte in input {
        let (word_break, out) = match byte {
            b'a'..=b'z' => (false, byte),
            b'A'..=b'Z' => (camel && after_lower, byte.to_ascii_lowercase()),
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

    /// Reads a Sentry span status as Sentry's server does, and more: every
    /// spelling [`Code::parse`] accepts (`not_found`, `unknown`,
    /// `unknown_error`, `"0"`..`"16"`, ...), plus Relay's legacy `success`
    /// (= OK) and `failure` (= INTERNAL), whole words in any ASCII case.
    ///
    /// [`Code::parse`] leaves the legacy names out: they are Sentry's, not
    /// spellings of a code. `sentry_types`' own `SpanStatus::from_str`
    /// rejects `unknown`, the name Sentry's server gives code 2.
    ///
    /// ```
    /// use spanstatus_core::Code;
    ///
    /// assert_eq!(Code::from_sentry_status("unknown"), Ok(Code::Unknown));
    /// assert_eq!(Code::from_sentry_status("internal_error"), Ok(Code::Internal));
    /// assert_eq!(Code::from_sentry_status("Success"), Ok(Code::Ok));
    /// assert_eq!(Code::from_sentry_status("failure"), Ok(Code::Internal));
    /// assert!(Code::parse("failure").is_err());
    ///
    /// let err = Code::from_sentry_status("successful").unwrap_err();
    /// assert!(err.to_string().starts_with("unrecognized status code \"successful\""));
    /// assert!(err.to_string().contains("legacy success"));
    /// ```
    pub fn from_sentry_status(s: &str) -> Result<Code, ParseCodeError> {
        match s.parse() {
            Ok(code) => Ok(code),
            Err(err) => LEGACY_SENTRY_NAMES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(s))
                .map(|&(_, code)| code)
                .ok_or(ParseCodeError {
                    accepted: Accepted::SentryStatus,
                    ..err
                }),
        }
    }
}

/// Relay's legacy span status names, read by [`Code::from_sentry_status`] only.
const LEGACY_SENTRY_NAMES: [(&str, Code); 2] = [("success", Code::Ok), ("failure", Code::Internal)];

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
        match Code::from_sentry_name(s) {
            Some(code) => Ok(code),
            None => parse_other_spelling(s),
        }
    }
}

/// Every spelling but the exact Sentry names: kept out of line so that the
/// common case inlines to a single `match`.
#[cold]
#[inline(never)]
fn parse_other_spelling(s: &str) -> Result<Code, ParseCodeError> {
    let bytes = s.as_bytes();
    if let Some(code) = lookup(bytes) {
        return Ok(code);
    }
    let mut buf = [0; MAX_NAME];
    let found = match bytes.first() {
        Some(b'0'..=b'9') => decimal(bytes),
        _ => normalize(bytes, &mut buf, false)
            .and_then(lookup)
            .or_else(|| normalize(bytes, &mut buf, true).and_then(lookup)),
    };
    found.ok_or_else(|| ParseCodeError::new(s, Accepted::Code))
}

/// How much of a rejected input [`ParseCodeError`] keeps to show.
const SHOWN: usize = 40;

/// The error for a string that is no spelling of a canonical code
/// ([`Code::parse`]) or no Sentry status ([`Code::from_sentry_status`]).
///
/// It keeps the start of the input (up to 40 bytes, cut on a character
/// boundary) and its full length, and says what is accepted, Sentry's legacy
/// names included when they were. It holds them inline: rejecting an input
/// never allocates, and the value needs no drop (a boxed error made the hot
/// path of `from_str` measurably slower).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ParseCodeError {
    rejected: Rejected,
    accepted: Accepted,
}

/// Which parser rejected the input, for the message.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Accepted {
    Code,
    SentryStatus,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Rejected {
    shown: [u8; SHOWN],
    shown_len: u8,
    input_len: usize,
}

impl ParseCodeError {
    fn new(input: &str, accepted: Accepted) -> ParseCodeError {
        let mut cut = input.len().min(SHOWN);
        while !input.is_char_boundary(cut) {
            cut -= 1;
        }
        let mut shown = [0; SHOWN];
        shown[..cut].copy_from_slice(&input.as_bytes()[..cut]);
        ParseCodeError {
            rejected: Rejected {
                shown,
                shown_len: cut as u8,
                input_len: input.len(),
            },
            accepted,
        }
    }

    /// The start of the rejected input: all of it when [`Self::is_truncated`] is false.
    pub fn input(&self) -> &str {
        let rejected = &self.rejected;
        // Always a prefix of a `&str` cut on a char boundary.
        core::str::from_utf8(&rejected.shown[..usize::from(rejected.shown_len)]).unwrap_or_default()
    }

    /// The length in bytes of the whole rejected input.
    pub fn input_len(&self) -> usize {
        self.rejected.input_len
    }

    /// `true` when the input was longer than what [`Self::input`] shows.
    pub fn is_truncated(&self) -> bool {
        self.rejected.input_len > usize::from(self.rejected.shown_len)
    }
}

impl fmt::Debug for ParseCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseCodeError")
            .field("input", &self.input())
            .field("input_len", &self.input_len())
            .finish()
    }
}

impl fmt::Display for ParseCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unrecognized status code \"{}",
            self.input().escape_debug()
        )?;
        if self.is_truncated() {
            write!(f, "...\" ({} bytes)", self.input_len())?;
        } else {
            f.write_str("\"")?;
        }
        f.write_str(
            ": expected a canonical name in any case with `_`, `-` or space between words \
             or in CamelCase (NOT_FOUND, not_found, not found, NotFound), \
             unknown_error, internal_error, canceled, or a number from 0 to 16",
        )?;
        if self.accepted == Accepted::SentryStatus {
            f.write_str(", or Sentry's legacy success (OK) or failure (INTERNAL)")?;
        }
        Ok(())
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
        assert_eq!(
            normalize(b"NotFound", &mut buf, true),
            Some(&b"not_found"[..])
        );
        assert_eq!(
            normalize(b"NOT FOUND", &mut buf, true),
            Some(&b"not_found"[..])
        );
        assert_eq!(
            normalize(b"Not_Found", &mut buf, true),
            Some(&b"not_found"[..])
        );
        assert_eq!(normalize(b"not$found", &mut buf, true), None);
        assert_eq!(normalize(&[b'a'; MAX_NAME + 1], &mut buf, true), None);
        assert_eq!(
            normalize(b"nOt FoUnD", &mut buf, false),
            Some(&b"not_found"[..])
        );
        assert_eq!(
            normalize(b"NotFound", &mut buf, false),
            Some(&b"notfound"[..])
        );
    }
}
