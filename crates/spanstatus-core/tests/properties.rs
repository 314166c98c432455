//! Properties over arbitrary inputs, each against an oracle written from the spec.

use std::borrow::Cow;

use proptest::prelude::*;
use spanstatus_core::{Code, grpc};

/// The canonical names in numeric order (conventions.md section 1).
const NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// Lowercase `_`-separated names besides the canonical ones.
const ALIASES: [(&str, usize); 3] = [
    ("unknown_error", 2),
    ("internal_error", 13),
    ("canceled", 1),
];

fn lookup_snake(snake: &str) -> Option<usize> {
    NAMES
        .iter()
        .position(|name| name.to_ascii_lowercase() == snake)
        .or_else(|| ALIASES.iter().find(|a| a.0 == snake).map(|a| a.1))
}

/// What the crate documents it accepts: decimal 0..=16 without leading zero;
/// words in any case separated by `_`, `-` or space; CamelCase words.
fn oracle_parse(s: &str) -> Option<usize> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        let ok = s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
        return ok
            .then(|| s.parse::<usize>().ok())
            .flatten()
            .filter(|&n| n <= 16);
    }
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b"_- ".contains(&b))
    {
        return None;
    }
    let separated: String = s
        .chars()
        .map(|c| {
            if c == '-' || c == ' ' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    lookup_snake(&separated).or_else(|| {
        // CamelCase: a new word starts at an uppercase letter after a lowercase one.
        let mut camel = String::new();
        let mut prev_lower = false;
        for c in s.chars() {
            if c.is_ascii_uppercase() && prev_lower {
                camel.push('_');
            }
            camel.push(if c == '-' || c == ' ' {
                '_'
            } else {
                c.to_ascii_lowercase()
            });
            prev_lower = c.is_ascii_lowercase();
        }
        lookup_snake(&camel)
    })
}

fn camel_case(name: &str) -> String {
    name.split('_')
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            lower[..1].to_ascii_uppercase() + &lower[1..]
        })
        .collect()
}

/// Name-like strings: letters, separators and a few digits, often near a real name.
fn name_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_ -]{0,24}",
        "[0-9]{0,3}",
        (
            0usize..17,
            "[_ -]",
            prop::collection::vec(any::<bool>(), 24)
        )
            .prop_map(|(i, sep, flips)| {
                NAMES[i]
                    .chars()
                    .zip(flips)
                    .map(|(c, flip)| match c {
                        '_' => sep.chars().next().unwrap(),
                        c if flip => c.to_ascii_lowercase(),
                        c => c,
                    })
                    .collect()
            }),
        (0usize..17, 0usize..24, "[a-zA-Z_ -]").prop_map(|(i, at, c)| {
            // A real name with one character inserted.
            let name = NAMES[i].to_string();
            let at = at.min(name.len());
            format!("{}{}{}", &name[..at], c, &name[at..])
        }),
    ]
}

fn is_upper_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'A'..=b'F').contains(&b)
}

/// Lenient `grpc-message` decoding from conventions.md section 3: valid `%XX`
/// decoded, anything else kept; bytes that are not UTF-8 written as `%XX`.
fn oracle_decode(value: &[u8]) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut raw = Vec::new();
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%' && i + 2 < value.len() {
            if let (Some(h), Some(l)) = (hex(value[i + 1]), hex(value[i + 2])) {
                raw.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        raw.push(value[i]);
        i += 1;
    }
    let mut out = String::new();
    let mut rest = &raw[..];
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                return out;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..valid]).unwrap());
                let bad = e.error_len().unwrap_or(rest.len() - valid);
                for b in &rest[valid..valid + bad] {
                    out.push_str(&format!("%{b:02X}"));
                }
                rest = &rest[valid + bad..];
            }
        }
    }
}

/// `grpc-status` oracle: canonical decimal (no sign, no leading zero) of a u8, at most 16.
fn oracle_status(value: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(value).ok()?;
    let n: u8 = text.parse().ok()?;
    (n.to_string() == text && n <= 16).then_some(n)
}

/// `grpc-timeout` oracle: 1 to 8 digits then one unit, in nanoseconds.
fn oracle_timeout(value: &[u8]) -> Option<u128> {
    let text = std::str::from_utf8(value).ok()?;
    let unit = text.chars().last()?;
    let digits = &text[..text.len() - unit.len_utf8()];
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u128 = digits.parse().ok()?;
    let per = match unit {
        'H' => 3_600_000_000_000,
        'M' => 60_000_000_000,
        'S' => 1_000_000_000,
        'm' => 1_000_000,
        'u' => 1_000,
        'n' => 1,
        _ => return None,
    };
    Some(n * per)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn grpc_timeout_matches_the_oracle(value in prop::collection::vec(prop::sample::select(b"0123456789HMSmunx. -".to_vec()), 0..12)) {
        match grpc::parse_timeout_header(&value) {
            Ok(duration) => prop_assert_eq!(Some(duration.as_nanos()), oracle_timeout(&value)),
            Err(err) => {
                prop_assert_eq!(oracle_timeout(&value), None);
                prop_assert_eq!(err.raw(), &value[..]);
            }
        }
    }

    #[test]
    fn grpc_timeout_of_any_bytes(value in prop::collection::vec(any::<u8>(), 0..16)) {
        prop_assert_eq!(grpc::parse_timeout_header(&value).ok().map(|d| d.as_nanos()), oracle_timeout(&value));
    }

    #[test]
    fn i32_round_trip(value in any::<i32>()) {
        let code = Code::from_i32(value);
        prop_assert_eq!(code.is_some(), (0..=16).contains(&value));
        if let Some(code) = code {
            prop_assert_eq!(code.as_i32(), value);
            prop_assert_eq!(code.as_str(), NAMES[value as usize]);
            prop_assert_eq!(Code::try_from(i64::from(value)), Ok(code));
        } else {
            prop_assert_eq!(Code::try_from(value).unwrap_err().value(), i128::from(value));
        }
    }

    #[test]
    fn small_i32_round_trip(value in -40i32..40) {
        let code = Code::from_i32(value);
        prop_assert_eq!(code.map(Code::as_i32), (0..=16).contains(&value).then_some(value));
    }

    #[test]
    fn every_name_round_trips(i in 0usize..17) {
        let code = Code::from_i32(i as i32).unwrap();
        prop_assert_eq!(code.as_str().parse::<Code>(), Ok(code));
        prop_assert_eq!(code.sentry_str().parse::<Code>(), Ok(code));
        prop_assert_eq!(code.as_str().to_ascii_lowercase().parse::<Code>(), Ok(code));
        prop_assert_eq!(code.as_str().to_ascii_lowercase().replace('_', " ").parse::<Code>(), Ok(code));
        prop_assert_eq!(camel_case(code.as_str()).parse::<Code>(), Ok(code));
        prop_assert_eq!(camel_case(code.sentry_str()).parse::<Code>(), Ok(code));
        prop_assert_eq!(code.to_string().parse::<Code>(), Ok(code));
        prop_assert_eq!(code.grpc_status_str().parse::<Code>(), Ok(code));
        prop_assert_eq!(grpc::parse_status_header(code.grpc_status_str().as_bytes()), Ok(code));
    }

    #[test]
    fn name_like_strings_match_the_oracle(s in name_like()) {
        let got = s.parse::<Code>().ok().map(|c| c.as_i32() as usize);
        prop_assert_eq!(got, oracle_parse(&s), "{:?}", s);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        check_parse(&s)?;
    }

    #[test]
    fn arbitrary_printable_strings(s in "\\PC{0,80}") {
        check_parse(&s)?;
    }

    #[test]
    fn legacy_like_strings(s in "(?i)[ _-]?(succes|success|failure|failures|ok)[ _!-]?") {
        check_parse(&s)?;
    }

    #[test]
    fn encode_decode_round_trip(s in any::<String>()) {
        let encoded = grpc::encode_message(&s);
        prop_assert_eq!(grpc::decode_message(encoded.as_bytes()), s.as_str());
    }

    #[test]
    fn encode_output_is_header_safe(s in any::<String>()) {
        let encoded = grpc::encode_message(&s);
        let bytes = encoded.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            prop_assert!((0x20..=0x7E).contains(&b), "{:?}", encoded);
            if b == b'%' {
                prop_assert!(bytes.len() > i + 2 && is_upper_hex(bytes[i + 1]) && is_upper_hex(bytes[i + 2]), "{:?}", encoded);
                // Exactly the bytes outside 0x20..=0x7E, and '%', are escaped.
                let escaped = u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap();
                prop_assert!(!(0x20..=0x7E).contains(&escaped) || escaped == b'%');
            }
        }
        let needs_escaping = s.bytes().any(|b| !(0x20..=0x7E).contains(&b) || b == b'%');
        prop_assert_eq!(matches!(encoded, Cow::Borrowed(_)), !needs_escaping);
    }

    #[test]
    fn decode_arbitrary_bytes(value in prop::collection::vec(any::<u8>(), 0..64)) {
        let decoded = grpc::decode_message(&value);
        prop_assert_eq!(&*decoded, oracle_decode(&value));
        if !value.contains(&b'%') {
            if let Ok(text) = std::str::from_utf8(&value) {
                prop_assert!(matches!(decoded, Cow::Borrowed(_)));
                prop_assert_eq!(&*decoded, text);
            }
        }
    }

    #[test]
    fn decode_percent_heavy_bytes(value in prop::collection::vec(prop::sample::select(b"%%%0123456789abcdefABCDEFGz \x80\xC3\xA9\xE2\xFF".to_vec()), 0..32)) {
        prop_assert_eq!(&*grpc::decode_message(&value), oracle_decode(&value));
    }

    #[test]
    fn decode_plain_ascii_borrows(s in "[ -$&-~]{0,64}") {
        // Printable ASCII without '%'.
        let decoded = grpc::decode_message(s.as_bytes());
        prop_assert!(matches!(decoded, Cow::Borrowed(_)));
        prop_assert_eq!(&*decoded, s.as_str());
        let encoded = grpc::encode_message(&s);
        prop_assert!(matches!(encoded, Cow::Borrowed(_)));
        prop_assert_eq!(&*encoded, s.as_str());
    }

    #[test]
    fn status_header_matches_oracle(value in prop::collection::vec(any::<u8>(), 0..4)) {
        let got = grpc::parse_status_header(&value).ok().map(|c| c.as_i32() as u8);
        prop_assert_eq!(got, oracle_status(&value));
        if let Err(err) = grpc::parse_status_header(&value) {
            prop_assert_eq!(err.raw(), &value[..]);
            prop_assert_eq!(err.code(), Code::Unknown);
        }
    }

    #[test]
    fn digit_like_status_headers(value in "[0-9+ -]{0,4}") {
        let got = grpc::parse_status_header(value.as_bytes()).ok().map(|c| c.as_i32() as u8);
        prop_assert_eq!(got, oracle_status(value.as_bytes()));
        // The `Code` parser agrees on anything starting with a digit.
        if value.starts_with(|c: char| c.is_ascii_digit()) {
            prop_assert_eq!(value.parse::<Code>().ok().map(|c| c.as_i32() as u8), got);
        }
    }
}

/// Relay's legacy names, whole words in any ASCII case (conventions.md section 1).
fn oracle_sentry_legacy(s: &str) -> Option<usize> {
    match s.to_ascii_lowercase().as_str() {
        "success" => Some(0),
        "failure" => Some(13),
        _ => None,
    }
}

fn check_parse(s: &str) -> Result<(), TestCaseError> {
    // The Sentry parser: the code parser's answer, or a legacy name.
    let sentry = Code::from_sentry_status(s)
        .ok()
        .map(|c| c.as_i32() as usize);
    prop_assert_eq!(
        sentry,
        oracle_parse(s).or_else(|| oracle_sentry_legacy(s)),
        "{:?}",
        s
    );
    match s.parse::<Code>() {
        Ok(code) => {
            prop_assert_eq!(Some(code.as_i32() as usize), oracle_parse(s), "{:?}", s);
        }
        Err(err) => {
            prop_assert_eq!(oracle_parse(s), None, "{:?}", s);
            prop_assert!(s.starts_with(err.input()));
            prop_assert!(err.input().len() <= 40);
            prop_assert!(err.input().len() > 36 || err.input().len() == s.len());
            prop_assert_eq!(err.input_len(), s.len());
            prop_assert_eq!(err.is_truncated(), err.input().len() < s.len());
            let shown: String = err.input().escape_debug().collect();
            let message = err.to_string();
            prop_assert!(
                message.starts_with(&format!("unrecognized status code \"{shown}")),
                "{}",
                message
            );
            prop_assert!(!message.chars().any(char::is_control));
        }
    }
    Ok(())
}
