//! Every code, every spelling, every table: the expectations here are written
//! from the specs (gRPC's statuscodes.md, google.rpc, Sentry's span status
//! table, the HTTP mappings of Sentry's SDKs), not copied from the
//! implementation.

use spanstatus_core::{Code, CodeSet, HasCode, RetryAdvice, Status, grpc};

/// One row of the spec table (conventions.md section 1, Sentry's table for the
/// descriptions, with the UNAVAILABLE typo corrected).
struct Row {
    code: Code,
    num: i32,
    /// The words of the canonical name, lowercase.
    words: &'static [&'static str],
    name: &'static str,
    sentry: &'static str,
    http: u16,
    reason: &'static str,
    description: &'static str,
}

#[allow(clippy::too_many_arguments)] // one per column of the table
const fn row(
    code: Code,
    num: i32,
    words: &'static [&'static str],
    name: &'static str,
    sentry: &'static str,
    http: u16,
    reason: &'static str,
    description: &'static str,
) -> Row {
    Row {
        code,
        num,
        words,
        name,
        sentry,
        http,
        reason,
        description,
    }
}

#[rustfmt::skip]
const TABLE: [Row; 17] = [
    row(Code::Ok, 0, &["ok"], "OK", "ok", 200, "OK",
        "Not an error, returned on success"),
    row(Code::Cancelled, 1, &["cancelled"], "CANCELLED", "cancelled", 499, "Client Closed Request",
        "The operation was cancelled, typically by the caller"),
    row(Code::Unknown, 2, &["unknown"], "UNKNOWN", "unknown_error", 500, "Internal Server Error",
        "An unknown error raised by APIs that don't return enough error information"),
    row(Code::InvalidArgument, 3, &["invalid", "argument"], "INVALID_ARGUMENT", "invalid_argument", 400, "Bad Request",
        "The client specified an invalid argument"),
    row(Code::DeadlineExceeded, 4, &["deadline", "exceeded"], "DEADLINE_EXCEEDED", "deadline_exceeded", 504, "Gateway Timeout",
        "The deadline expired before the operation could succeed"),
    row(Code::NotFound, 5, &["not", "found"], "NOT_FOUND", "not_found", 404, "Not Found",
        "Content was not found or request was denied for an entire class of users"),
    row(Code::AlreadyExists, 6, &["already", "exists"], "ALREADY_EXISTS", "already_exists", 409, "Conflict",
        "The entity attempted to be created already exists"),
    row(Code::PermissionDenied, 7, &["permission", "denied"], "PERMISSION_DENIED", "permission_denied", 403, "Forbidden",
        "The caller doesn't have permission to execute the specified operation"),
    row(Code::ResourceExhausted, 8, &["resource", "exhausted"], "RESOURCE_EXHAUSTED", "resource_exhausted", 429, "Too Many Requests",
        "The resource has been exhausted e.g. per-user quota exhausted, file system out of space"),
    row(Code::FailedPrecondition, 9, &["failed", "precondition"], "FAILED_PRECONDITION", "failed_precondition", 400, "Bad Request",
        "The client shouldn't retry until the system state has been explicitly handled"),
    row(Code::Aborted, 10, &["aborted"], "ABORTED", "aborted", 409, "Conflict",
        "The operation was aborted"),
    row(Code::OutOfRange, 11, &["out", "of", "range"], "OUT_OF_RANGE", "out_of_range", 400, "Bad Request",
        "The operation was attempted past the valid range e.g. seeking past the end of a file"),
    row(Code::Unimplemented, 12, &["unimplemented"], "UNIMPLEMENTED", "unimplemented", 501, "Not Implemented",
        "The operation is not implemented or is not supported/enabled for this operation"),
    row(Code::Internal, 13, &["internal"], "INTERNAL", "internal_error", 500, "Internal Server Error",
        "Some invariants expected by the underlying system have been broken. This code is reserved for serious errors"),
    row(Code::Unavailable, 14, &["unavailable"], "UNAVAILABLE", "unavailable", 503, "Service Unavailable",
        "The service is currently unavailable e.g. as a transient condition"),
    row(Code::DataLoss, 15, &["data", "loss"], "DATA_LOSS", "data_loss", 500, "Internal Server Error",
        "Unrecoverable data loss or corruption"),
    row(Code::Unauthenticated, 16, &["unauthenticated"], "UNAUTHENTICATED", "unauthenticated", 401, "Unauthorized",
        "The requester doesn't have valid authentication credentials for the operation"),
];

/// Other word lists that name a code (conventions.md section 1: Sentry SDKs'
/// `unknown_error`/`internal_error`, Go/Envoy/Connect's `canceled`).
const ALIASES: [(&[&str], Code); 3] = [
    (&["unknown", "error"], Code::Unknown),
    (&["internal", "error"], Code::Internal),
    (&["canceled"], Code::Cancelled),
];

fn by_code(code: Code) -> &'static Row {
    TABLE.iter().find(|row| row.code == code).unwrap()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    let first = chars.next().unwrap().to_ascii_uppercase();
    core::iter::once(first).chain(chars).collect()
}

/// Alternating case, starting lower (`upper_first == false`) or upper.
fn alternating(text: &str, upper_first: bool) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if (i % 2 == 0) == upper_first {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Every spelling of a word list the crate promises to accept.
fn spellings(words: &[&str]) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let title: Vec<String> = words.iter().map(|w| capitalize(w)).collect();
    let mut out = Vec::new();
    for sep in ["_", " ", "-"] {
        out.push(lower.join(sep)); // snake, lowercase with spaces (Python), kebab
        out.push(upper.join(sep)); // SCREAMING_SNAKE, ...
        out.push(title.join(sep)); // Title Case
        out.push(alternating(&lower.join(sep), false)); // mixed case
        out.push(alternating(&lower.join(sep), true));
    }
    out.push(title.concat()); // CamelCase (tonic's Debug)
    out.push(lower[0].clone() + &title[1..].concat()); // lowerCamel
    out
}

#[test]
fn the_table_is_consistent_with_itself() {
    for (i, row) in TABLE.iter().enumerate() {
        assert_eq!(row.num, i as i32);
        assert_eq!(row.name, row.words.join("_").to_ascii_uppercase());
        assert_eq!(row.code as i32, row.num);
    }
    assert_eq!(Code::ALL.len(), 17);
    for (i, code) in Code::ALL.iter().enumerate() {
        assert_eq!(*code, TABLE[i].code);
    }
}

#[test]
fn every_code_every_spelling() {
    let mut checked = 0;
    for row in &TABLE {
        let mut all = spellings(row.words);
        all.push(row.sentry.to_string());
        all.push(row.name.to_string());
        all.push(row.num.to_string());
        for spelling in &all {
            assert_eq!(spelling.parse::<Code>(), Ok(row.code), "{spelling:?}");
            assert_eq!(Code::parse(spelling), Ok(row.code), "{spelling:?}");
            checked += 1;
        }
    }
    for (words, code) in ALIASES {
        for spelling in spellings(words) {
            assert_eq!(spelling.parse::<Code>(), Ok(code), "{spelling:?}");
            checked += 1;
        }
    }
    // The spellings real systems emit, verbatim.
    for (spelling, code) in [
        ("not found", Code::NotFound),
        ("invalid argument", Code::InvalidArgument),
        ("unknown", Code::Unknown),
        ("internal", Code::Internal),
        ("unknown_error", Code::Unknown),
        ("internal_error", Code::Internal),
        ("NotFound", Code::NotFound),
        ("Cancelled", Code::Cancelled),
        ("Canceled", Code::Cancelled),
        ("canceled", Code::Cancelled),
        ("CANCELED", Code::Cancelled),
        ("DeadlineExceeded", Code::DeadlineExceeded),
        ("deadlineExceeded", Code::DeadlineExceeded),
        ("OutOfRange", Code::OutOfRange),
        ("out-of-range", Code::OutOfRange),
        ("Out Of Range", Code::OutOfRange),
        ("UnknownError", Code::Unknown),
        ("InternalError", Code::Internal),
        ("nOt_FoUnD", Code::NotFound),
        ("nOt FoUnD", Code::NotFound),
        ("NoT-fOuNd", Code::NotFound),
        ("0", Code::Ok),
        ("16", Code::Unauthenticated),
    ] {
        assert_eq!(spelling.parse::<Code>(), Ok(code), "{spelling:?}");
        checked += 1;
    }
    assert!(checked > 17 * 19, "{checked}");
}

/// What the error for `input` must show: the input cut to at most 40 bytes on a
/// character boundary, and whether it was cut.
fn expected_shown(input: &str) -> (&str, bool) {
    let mut cut = input.len().min(40);
    while !input.is_char_boundary(cut) {
        cut -= 1;
    }
    (&input[..cut], cut < input.len())
}

fn check_rejected(input: &str) {
    let err = match input.parse::<Code>() {
        Ok(code) => panic!("{input:?} was accepted as {code:?}"),
        Err(err) => err,
    };
    let (shown, truncated) = expected_shown(input);
    assert_eq!(err.input(), shown, "{input:?}");
    assert_eq!(err.input_len(), input.len(), "{input:?}");
    assert_eq!(err.is_truncated(), truncated, "{input:?}");

    let message = err.to_string();
    let escaped: String = shown.escape_debug().collect();
    let head = format!("unrecognized status code \"{escaped}");
    assert!(message.starts_with(&head), "{message}");
    let rest = &message[head.len()..];
    if truncated {
        let tail = format!("...\" ({} bytes)", input.len());
        assert!(rest.starts_with(&tail), "{message}");
    } else {
        assert!(rest.starts_with('"'), "{message}");
        assert!(!message.contains("..."), "{message}");
    }
    // No raw control character reaches the message.
    assert!(!message.chars().any(char::is_control), "{message:?}");
    // It says what is accepted.
    for accepted in [
        "NOT_FOUND",
        "not_found",
        "not found",
        "NotFound",
        "unknown_error",
        "internal_error",
        "canceled",
        "0 to 16",
    ] {
        assert!(message.contains(accepted), "{message} lacks {accepted}");
    }
    // Debug shows it too, and it is an Error.
    assert!(format!("{err:?}").contains("ParseCodeError"));
    let _: &dyn std::error::Error = &err;
    // Code::parse rejects it the same way.
    let again = Code::parse(input).unwrap_err();
    assert_eq!(
        (again.input(), again.input_len(), again.is_truncated()),
        (shown, input.len(), truncated),
        "{input:?}"
    );
}

#[test]
fn rejected_inputs() {
    let long = "a".repeat(1000);
    let long_name = "NOT_FOUND".repeat(10);
    let forty = "x".repeat(40);
    let forty_one = "x".repeat(41);
    let euros = format!("ab{}", "€".repeat(20)); // 62 bytes; 40 is inside a '€'
    let accents = "é".repeat(30); // 60 bytes; 40 is a boundary
    let emoji = format!("n{}", "🦀".repeat(12)); // 4-byte chars: cut at 37
    let control = format!("{}\n{}", "y".repeat(38), "z".repeat(10));
    for input in [
        "",
        "05",
        "00",
        "016",
        "17",
        "-1",
        "+1",
        "1_6",
        "0x5",
        "5 ",
        " 5",
        " not_found",
        "not_found ",
        "_not_found",
        "not_found_",
        "-ok",
        "ok-",
        "not__found",
        "not _found",
        "not  found",
        "notfound",
        "NOTFOUND",
        "NOT_FOUNDx",
        "xNOT_FOUND",
        "not_foun",
        "cancel",
        "cancelledd",
        "unknown_errors",
        "internalerror",
        "error",
        "success", // Relay's alias for ok; not a spelling this crate documents
        "failure",
        "Ok!",
        "ok.",
        "nöt_found",
        "ＮＯＴ_ＦＯＵＮＤ",
        "ok\u{301}",
        "not_found\n",
        "\tok",
        "ok\0",
        "\u{7f}",
        "\u{1b}[31mOK",
        "\u{feff}OK",
        &long,
        &long_name,
        &forty,
        &forty_one,
        &euros,
        &accents,
        &emoji,
        &control,
    ] {
        check_rejected(input);
    }

    // The cuts, spelled out.
    let cut = |s: &str| s.parse::<Code>().unwrap_err();
    assert!(!cut(&forty).is_truncated());
    assert_eq!(cut(&forty_one).input(), forty);
    assert_eq!(cut(&euros).input().len(), 38);
    assert_eq!(cut(&accents).input(), "é".repeat(20));
    assert_eq!(cut(&emoji).input().len(), 37);
    assert!(
        cut(&long)
            .to_string()
            .contains(&format!("\"{}...\" (1000 bytes)", "a".repeat(40)))
    );
    assert!(cut(&control).to_string().contains("yy\\nz...\" (49 bytes)"));
    assert!(
        cut("")
            .to_string()
            .starts_with("unrecognized status code \"\":")
    );
}

#[test]
fn sentry_status_reads_every_spelling_and_the_legacy_names() {
    for row in &TABLE {
        let mut all = spellings(row.words);
        all.push(row.sentry.to_string());
        all.push(row.sentry.to_ascii_uppercase());
        all.push(row.num.to_string());
        for spelling in &all {
            assert_eq!(
                Code::from_sentry_status(spelling),
                Ok(row.code),
                "{spelling:?}"
            );
        }
    }
    for (words, code) in ALIASES {
        for spelling in spellings(words) {
            assert_eq!(
                Code::from_sentry_status(&spelling),
                Ok(code),
                "{spelling:?}"
            );
        }
    }
    // Relay's legacy names (conventions.md section 1), whole words in any ASCII case.
    for (spelling, code) in [
        ("success", Code::Ok),
        ("SUCCESS", Code::Ok),
        ("Success", Code::Ok),
        ("sUcCeSs", Code::Ok),
        ("failure", Code::Internal),
        ("FAILURE", Code::Internal),
        ("Failure", Code::Internal),
        // Sentry's server name for 2, which sentry_types rejects.
        ("unknown", Code::Unknown),
    ] {
        assert_eq!(Code::from_sentry_status(spelling), Ok(code), "{spelling:?}");
    }
}

#[test]
fn sentry_status_rejects_with_a_message_naming_the_legacy_names() {
    let long = "success".repeat(10);
    for input in [
        "",
        "successful",
        "succes",
        "success ",
        " success",
        "success!",
        "failures",
        "fail",
        "failed",
        "ok ok",
        "17",
        "-1",
        "01",
        "teapot",
        "ſuccess", // U+017F folds to 's' in Unicode, not in ASCII
        "é",
        &long,
    ] {
        let err = Code::from_sentry_status(input).unwrap_err();
        let (shown, truncated) = expected_shown(input);
        assert_eq!(err.input(), shown, "{input:?}");
        assert_eq!(err.input_len(), input.len());
        assert_eq!(err.is_truncated(), truncated);
        let message = err.to_string();
        let escaped: String = shown.escape_debug().collect();
        assert!(
            message.starts_with(&format!("unrecognized status code \"{escaped}")),
            "{message}"
        );
        for accepted in [
            "not_found",
            "unknown_error",
            "0 to 16",
            "legacy success (OK)",
            "failure (INTERNAL)",
        ] {
            assert!(message.contains(accepted), "{message} lacks {accepted}");
        }
        // The code parser rejects it too, without naming Sentry's legacy names.
        let plain = Code::parse(input).unwrap_err();
        assert_eq!((plain.input(), plain.input_len()), (shown, input.len()));
        assert!(!plain.to_string().contains("legacy"), "{plain}");
    }
}

#[test]
fn from_i32_everywhere() {
    for value in (-100_000..=100_000).chain([i32::MIN, i32::MIN + 1, i32::MAX - 1, i32::MAX]) {
        let expected = usize::try_from(value)
            .ok()
            .and_then(|i| TABLE.get(i))
            .map(|row| row.code);
        assert_eq!(Code::from_i32(value), expected, "{value}");
        match expected {
            Some(code) => {
                assert_eq!(code.as_i32(), value);
                assert_eq!(i32::from(code), value);
                assert_eq!(Code::try_from(value), Ok(code));
            }
            None => assert_eq!(
                Code::try_from(value).unwrap_err().value(),
                i128::from(value)
            ),
        }
    }
}

#[test]
fn try_from_integer_edges() {
    fn expected(value: i128) -> Option<Code> {
        (0..=16)
            .contains(&value)
            .then(|| TABLE[value as usize].code)
    }
    fn check<T: Copy + Into<i128> + std::fmt::Debug>(
        value: T,
        got: Result<Code, spanstatus_core::CodeOutOfRange>,
    ) {
        let wide: i128 = value.into();
        match (expected(wide), got) {
            (Some(code), Ok(got)) => assert_eq!(code, got, "{value:?}"),
            (None, Err(err)) => {
                assert_eq!(err.value(), wide, "{value:?}");
                assert_eq!(
                    err.to_string(),
                    format!(
                        "status code {wide} is out of range: canonical codes are 0 (OK) to 16 (UNAUTHENTICATED)"
                    )
                );
                let _: &dyn std::error::Error = &err;
            }
            (want, got) => panic!("{value:?}: expected {want:?}, got {got:?}"),
        }
    }
    for v in [i32::MIN, -17, -1, 0, 1, 15, 16, 17, 255, 256, i32::MAX] {
        check(v, Code::try_from(v));
    }
    let two32 = 1i64 << 32;
    for v in [
        i64::MIN,
        i64::from(i32::MIN) - 1,
        -1,
        0,
        5,
        16,
        17,
        i64::from(i32::MAX),
        i64::from(i32::MAX) + 1,
        two32,
        two32 + 5, // truncated to i32 this would be 5
        two32 - 1, // truncated to i32 this would be -1
        i64::MAX,
    ] {
        check(v, Code::try_from(v));
    }
    for v in [
        0u32,
        5,
        16,
        17,
        1 << 31,
        (1 << 31) + 5,
        u32::MAX, // as i32 this would be -1
    ] {
        check(v, Code::try_from(v));
    }
    for v in [
        0u64,
        16,
        17,
        1 << 32,
        (1 << 32) + 5,
        1 << 63,
        (1 << 63) + 5,
        u64::MAX,
    ] {
        check(v, Code::try_from(v));
    }
}

#[test]
fn accessors_per_code() {
    for row in &TABLE {
        let code = row.code;
        assert_eq!(code.as_i32(), row.num);
        assert_eq!(code.as_str(), row.name);
        assert_eq!(code.to_string(), row.name);
        assert_eq!(code.sentry_str(), row.sentry);
        assert_eq!(code.description(), row.description);
        assert_eq!(code.http_status(), row.http);
        assert_eq!(code.http_reason(), row.reason);
        assert_eq!(code.grpc_status_str(), row.num.to_string());
        assert_eq!(code.is_ok(), row.num == 0);
        assert_eq!(code.is_error(), row.num != 0);
        assert_eq!(code.is_client_error(), (400..500).contains(&row.http));
        assert_eq!(code.is_server_error(), (500..600).contains(&row.http));
        // The Sentry name is the lowercase canonical name except for 2 and 13.
        let special = matches!(row.num, 2 | 13);
        assert_eq!(row.sentry == row.name.to_ascii_lowercase(), !special);
        // Display honours width and alignment.
        assert_eq!(format!("{code:>20}"), format!("{:>20}", row.name));
        assert_eq!(format!("{code:-<20}|"), format!("{:-<20}|", row.name));
        // The code is its own status, with an empty message (not its name).
        assert_eq!(HasCode::code(&code).as_i32(), row.num);
        assert_eq!(HasCode::status_message(&code).as_deref(), Some(""));
        assert_eq!(Status::from_error(&code), Status::from_code(code));
    }
    // Named in the docs: which codes are client / server errors.
    let client: Vec<i32> = Code::ALL
        .iter()
        .filter(|c| c.is_client_error())
        .map(|c| c.as_i32())
        .collect();
    assert_eq!(client, [1, 3, 5, 6, 7, 8, 9, 10, 11, 16]);
    let server: Vec<i32> = Code::ALL
        .iter()
        .filter(|c| c.is_server_error())
        .map(|c| c.as_i32())
        .collect();
    assert_eq!(server, [2, 4, 12, 13, 14, 15]);
}

/// conventions.md section 2, semantic table (`@sentry/core` `getSpanStatusFromHttpCode`),
/// with UNKNOWN below 100 and from 600 on.
fn expected_semantic(status: u16) -> Code {
    if !(100..600).contains(&status) {
        return Code::Unknown;
    }
    if status < 400 {
        return Code::Ok;
    }
    if status < 500 {
        return match status {
            401 => Code::Unauthenticated,
            403 => Code::PermissionDenied,
            404 => Code::NotFound,
            409 => Code::AlreadyExists,
            413 => Code::FailedPrecondition,
            429 => Code::ResourceExhausted,
            499 => Code::Cancelled,
            _ => Code::InvalidArgument,
        };
    }
    match status {
        501 => Code::Unimplemented,
        503 => Code::Unavailable,
        504 => Code::DeadlineExceeded,
        _ => Code::Internal,
    }
}

/// conventions.md section 2, gRPC transport table (newest copy: 431 INTERNAL).
fn expected_transport(status: u16) -> Code {
    let rows: [(&[u16], Code); 5] = [
        (&[400, 431], Code::Internal),
        (&[401], Code::Unauthenticated),
        (&[403], Code::PermissionDenied),
        (&[404], Code::Unimplemented),
        (&[429, 502, 503, 504], Code::Unavailable),
    ];
    rows.iter()
        .find(|(statuses, _)| statuses.contains(&status))
        .map_or(Code::Unknown, |&(_, code)| code)
}

#[test]
fn http_semantic_table() {
    for status in (0..=999).chain([1000, 9999, u16::MAX]) {
        assert_eq!(
            Code::from_http_status(status),
            expected_semantic(status),
            "{status}"
        );
    }
    // Spot checks of the rows people get wrong.
    assert_eq!(Code::from_http_status(99), Code::Unknown);
    assert_eq!(Code::from_http_status(100), Code::Ok);
    assert_eq!(Code::from_http_status(302), Code::Ok);
    assert_eq!(Code::from_http_status(400), Code::InvalidArgument);
    assert_eq!(Code::from_http_status(422), Code::InvalidArgument);
    assert_eq!(Code::from_http_status(500), Code::Internal);
    assert_eq!(Code::from_http_status(502), Code::Internal);
    assert_eq!(Code::from_http_status(599), Code::Internal);
    assert_eq!(Code::from_http_status(600), Code::Unknown);
}

#[test]
fn http_grpc_transport_table() {
    for status in (0..=999).chain([1000, u16::MAX]) {
        assert_eq!(
            grpc::code_from_http_response(status),
            expected_transport(status),
            "{status}"
        );
    }
    assert_eq!(grpc::code_from_http_response(200), Code::Unknown);
    assert_eq!(grpc::code_from_http_response(431), Code::Internal);
    assert_eq!(grpc::code_from_http_response(404), Code::Unimplemented);
}

#[test]
fn code_to_http_and_back() {
    let mut round_trips = Vec::new();
    for row in &TABLE {
        let code = row.code;
        let back = Code::from_http_status(code.http_status());
        assert_eq!(back, expected_semantic(row.http));
        // The HTTP status always survives: code -> HTTP -> code -> HTTP.
        assert_eq!(back.http_status(), code.http_status(), "{code}");
        // Both are errors or both are not, and on the same side.
        assert_eq!(back.is_ok(), code.is_ok());
        assert_eq!(back.is_client_error(), code.is_client_error());
        assert_eq!(back.is_server_error(), code.is_server_error());
        if back == code {
            round_trips.push(code.as_i32());
        }
    }
    // The code itself survives for all but the codes sharing an HTTP status with
    // a code the semantic table prefers: UNKNOWN and DATA_LOSS (500 -> INTERNAL),
    // FAILED_PRECONDITION and OUT_OF_RANGE (400 -> INVALID_ARGUMENT), ABORTED
    // (409 -> ALREADY_EXISTS).
    assert_eq!(round_trips, [0, 1, 3, 4, 5, 6, 7, 8, 12, 13, 14, 16]);
    assert_eq!(
        Code::from_http_status(Code::Unknown.http_status()),
        Code::Internal
    );
    assert_eq!(
        Code::from_http_status(Code::DataLoss.http_status()),
        Code::Internal
    );
    assert_eq!(
        Code::from_http_status(Code::Aborted.http_status()),
        Code::AlreadyExists
    );
    assert_eq!(
        Code::from_http_status(Code::FailedPrecondition.http_status()),
        Code::InvalidArgument
    );
    // And every HTTP status the semantic table maps to a code maps back to one
    // in the same class (2xx for OK, 4xx, 5xx).
    for status in 100..600u16 {
        let code = Code::from_http_status(status);
        let class = if status < 400 { 2 } else { status / 100 };
        assert_eq!(code.http_status() / 100, class, "{status}");
    }
}

#[test]
fn grpc_status_header() {
    for row in &TABLE {
        let text = row.num.to_string();
        assert_eq!(grpc::parse_status_header(text.as_bytes()), Ok(row.code));
    }
    for bad in [
        &b""[..],
        b"05",
        b"00",
        b"17",
        b"-1",
        b"+1",
        b" 1",
        b"1 ",
        b"1\0",
        b"OK",
        b"\xff",
        b"99999999999999999999",
    ] {
        let err = grpc::parse_status_header(bad).unwrap_err();
        assert_eq!(err.raw(), bad);
        assert_eq!(err.code(), Code::Unknown);
        let shown = bad.escape_ascii().to_string();
        let message = err.to_string();
        assert!(message.contains(&format!("\"{shown}\"")), "{message}");
        assert!(message.contains("0 to 16"), "{message}");
        let status = err.to_status();
        assert_eq!(status.code(), Code::Unknown);
        assert_eq!(status.message(), message);
    }
}

#[test]
fn grpc_message_examples() {
    use std::borrow::Cow;
    // conventions.md section 3: exactly the bytes outside 0x20-0x7E, and '%', uppercase hex.
    assert_eq!(grpc::encode_message("Cache miss"), "Cache miss");
    assert!(matches!(
        grpc::encode_message("Cache miss"),
        Cow::Borrowed(_)
    ));
    assert_eq!(grpc::encode_message("100%"), "100%25");
    assert_eq!(grpc::encode_message("a\tb\r\n"), "a%09b%0D%0A");
    assert_eq!(grpc::encode_message("~ \u{7f}"), "~ %7F");
    assert_eq!(grpc::encode_message("é"), "%C3%A9");
    assert_eq!(grpc::encode_message(""), "");
    // Decoding never fails and keeps broken sequences.
    assert_eq!(grpc::decode_message(b"%41%62%e2%9C%93"), "Ab✓");
    assert_eq!(grpc::decode_message(b"%"), "%");
    assert_eq!(grpc::decode_message(b"%4"), "%4");
    assert_eq!(grpc::decode_message(b"%G1"), "%G1");
    assert_eq!(grpc::decode_message(b"%%41"), "%A");
    assert_eq!(grpc::decode_message(b"%C3"), "%C3");
    assert_eq!(grpc::decode_message(b"\xff ok"), "%FF ok");
    assert_eq!(grpc::decode_message(b"%E2%9C"), "%E2%9C");
    assert_eq!(grpc::decode_message(b""), "");
}

/// conventions.md section 4 / statuscodes.md.
const APPLICATION_ONLY: [&str; 7] = [
    "INVALID_ARGUMENT",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "DATA_LOSS",
];

fn bits_of(names: &[&str]) -> u32 {
    names
        .iter()
        .map(|name| {
            let row = TABLE.iter().find(|row| row.name == *name).unwrap();
            1u32 << row.num
        })
        .fold(0, |a, b| a | b)
}

#[test]
fn code_set_constants() {
    assert_eq!(CodeSet::EMPTY.bits(), 0);
    assert_eq!(CodeSet::ALL.bits(), 0x1_FFFF);
    assert_eq!(CodeSet::ERRORS.bits(), 0x1_FFFE);
    assert_eq!(CodeSet::APPLICATION_ONLY.bits(), bits_of(&APPLICATION_ONLY));
    assert_eq!(
        CodeSet::LIBRARY_GENERATED.bits(),
        bits_of(&[
            "CANCELLED",
            "UNKNOWN",
            "DEADLINE_EXCEEDED",
            "PERMISSION_DENIED",
            "RESOURCE_EXHAUSTED",
            "UNIMPLEMENTED",
            "INTERNAL",
            "UNAVAILABLE",
            "UNAUTHENTICATED",
        ])
    );
    assert_eq!(
        CodeSet::SERVER_ERRORS.bits(),
        bits_of(&[
            "UNKNOWN",
            "DEADLINE_EXCEEDED",
            "UNIMPLEMENTED",
            "INTERNAL",
            "UNAVAILABLE",
            "DATA_LOSS",
        ])
    );
    assert_eq!(CodeSet::AIP194_RETRYABLE.bits(), bits_of(&["UNAVAILABLE"]));
    assert_eq!(
        CodeSet::AIP194_NEVER_RETRY.bits(),
        bits_of(&[
            "CANCELLED",
            "DEADLINE_EXCEEDED",
            "INVALID_ARGUMENT",
            "DATA_LOSS"
        ])
    );
    assert!(
        CodeSet::AIP194_RETRYABLE
            .intersection(CodeSet::AIP194_NEVER_RETRY)
            .is_empty()
    );
    assert_eq!(CodeSet::default(), CodeSet::EMPTY);
    assert_eq!(CodeSet::ALL.len(), 17);
    assert!(CodeSet::EMPTY.is_empty());
}

#[test]
fn code_set_operations() {
    let a = CodeSet::of(&[Code::Ok, Code::NotFound, Code::Unavailable]);
    let b = CodeSet::of(&[Code::NotFound, Code::DataLoss]);
    assert_eq!(a.bits(), 1 | 1 << 5 | 1 << 14);
    assert_eq!(a.union(b).bits(), 1 | 1 << 5 | 1 << 14 | 1 << 15);
    assert_eq!(a.intersection(b).bits(), 1 << 5);
    assert_eq!(a.difference(b).bits(), 1 | 1 << 14);
    assert_eq!(a.complement().bits(), 0x1_FFFF & !(1 | 1 << 5 | 1 << 14));
    assert_eq!(a.with(Code::Aborted).bits(), a.bits() | 1 << 10);
    assert_eq!(a.without(Code::Ok).bits(), 1 << 5 | 1 << 14);
    assert_eq!(a.without(Code::Aborted), a);
    assert_eq!(a.len(), 3);
    assert!(!a.is_empty());
    assert_eq!(CodeSet::from(Code::Internal).bits(), 1 << 13);
    let collected: CodeSet = [Code::DataLoss, Code::NotFound, Code::NotFound]
        .into_iter()
        .collect();
    assert_eq!(collected, b);
    let mut extended = CodeSet::EMPTY;
    extended.extend([Code::Ok, Code::Unavailable]);
    extended.extend([Code::NotFound]);
    assert_eq!(extended, a);
    assert_eq!(format!("{a:?}"), "{Ok, NotFound, Unavailable}");
    assert_eq!(
        a.iter().rev().collect::<Vec<_>>(),
        [Code::Unavailable, Code::NotFound, Code::Ok]
    );

    assert_eq!(CodeSet::from_bits(0), Some(CodeSet::EMPTY));
    assert_eq!(CodeSet::from_bits(0x1_FFFF), Some(CodeSet::ALL));
    for bit in 17..32 {
        assert_eq!(CodeSet::from_bits(1 << bit), None, "{bit}");
        assert_eq!(CodeSet::from_bits((1 << bit) | 1), None, "{bit}");
    }
    assert_eq!(CodeSet::from_bits(u32::MAX), None);

    // Every one of the 2^17 sets: iter, len, contains, Display and parsing agree.
    for bits in 0..=0x1_FFFFu32 {
        let set = CodeSet::from_bits(bits).unwrap();
        assert_eq!(set.bits(), bits);
        let codes: Vec<Code> = set.iter().collect();
        let expected: Vec<Code> = TABLE
            .iter()
            .filter(|row| bits & (1 << row.num) != 0)
            .map(|row| row.code)
            .collect();
        assert_eq!(codes, expected);
        assert_eq!(set.len(), expected.len());
        for row in &TABLE {
            assert_eq!(set.contains(row.code), bits & (1 << row.num) != 0);
        }
        let names: Vec<&str> = expected.iter().map(|c| by_code(*c).name).collect();
        let text = set.to_string();
        assert_eq!(text, names.join(", "));
        assert_eq!(text.parse::<CodeSet>(), Ok(set));
    }
}

#[test]
fn code_set_parsing() {
    let set: CodeSet = "UNAVAILABLE, deadline_exceeded, 14".parse().unwrap();
    assert_eq!(set.bits(), 1 << 14 | 1 << 4);
    assert_eq!(set.to_string(), "DEADLINE_EXCEEDED, UNAVAILABLE");
    assert_eq!("".parse::<CodeSet>(), Ok(CodeSet::EMPTY));
    assert_eq!("   ".parse::<CodeSet>(), Ok(CodeSet::EMPTY));
    assert_eq!(
        " not found ,Canceled,\tInternalError "
            .parse::<CodeSet>()
            .unwrap()
            .bits(),
        1 << 5 | 1 << 1 | 1 << 13
    );

    for (input, index, entry) in [
        ("UNAVAILABLE,", 1, ""),
        ("UNAVAILABLE, ", 1, ""),
        (",UNAVAILABLE", 0, ""),
        ("OK,,CANCELLED", 1, ""),
        ("OK, CANCELLED, teapot, nope", 2, "teapot"),
        ("17", 0, "17"),
        (",", 0, ""),
    ] {
        let err = input.parse::<CodeSet>().unwrap_err();
        assert_eq!(err.index(), index, "{input:?}");
        assert_eq!(err.error().input(), entry, "{input:?}");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("entry {index} of the code list: ")),
            "{message}"
        );
        assert!(message.contains(&format!("\"{entry}\"")), "{message}");
        let source = std::error::Error::source(&err).expect("source");
        assert_eq!(source.to_string(), err.error().to_string());
    }
}

#[test]
fn retry_advice_and_origin() {
    for row in &TABLE {
        let expected = match row.name {
            "OK" => RetryAdvice::NotNeeded,
            "UNAVAILABLE" => RetryAdvice::RetryCall,
            "ABORTED" => RetryAdvice::RetryHigherLevel,
            "FAILED_PRECONDITION" => RetryAdvice::NotUntilStateFixed,
            _ => RetryAdvice::ByPolicy,
        };
        assert_eq!(row.code.retry_advice(), expected, "{}", row.name);
        let app_only = APPLICATION_ONLY.contains(&row.name);
        assert_eq!(row.code.is_application_only(), app_only, "{}", row.name);
        assert_eq!(
            row.code.may_be_library_generated(),
            !app_only && row.num != 0,
            "{}",
            row.name
        );
        assert_eq!(CodeSet::APPLICATION_ONLY.contains(row.code), app_only);
    }
}

#[test]
fn status_display_and_error() {
    let status = Status::new(Code::NotFound, "Cache miss");
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(status.message(), "Cache miss");
    assert_eq!(status.to_string(), "NOT_FOUND: Cache miss");
    assert!(!status.is_ok());
    assert_eq!(HasCode::code(&status), Code::NotFound);
    assert_eq!(HasCode::code(&&status), Code::NotFound);
    let err: Box<dyn std::error::Error> = Box::new(status.clone());
    assert_eq!(err.to_string(), "NOT_FOUND: Cache miss");
    assert!(err.source().is_none());

    for row in &TABLE {
        let bare = Status::from_code(row.code);
        assert_eq!(bare.to_string(), row.name);
        assert_eq!(bare.message(), "");
        assert_eq!(Status::from(row.code), bare);
        assert_eq!(bare.is_ok(), row.num == 0);
        let with = bare.with_message(format!("m{}", row.num));
        assert_eq!(with.to_string(), format!("{}: m{}", row.name, row.num));
        let (code, message) = with.into_parts();
        assert_eq!((code, &*message), (row.code, &*format!("m{}", row.num)));
    }
    assert_eq!(Status::ok(), Status::default());
    assert_eq!(Status::ok().to_string(), "OK");
    assert!(Status::ok().is_ok());

    struct Teapot;
    impl std::fmt::Display for Teapot {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("short and stout")
        }
    }
    impl HasCode for Teapot {
        fn code(&self) -> Code {
            Code::FailedPrecondition
        }
    }
    // A plain error: its Display text is the message.
    let from = Status::from_error(&Teapot);
    assert_eq!(from.code(), Code::FailedPrecondition);
    assert_eq!(from.message(), "short and stout");
    assert_eq!(from.to_string(), "FAILED_PRECONDITION: short and stout");
    assert_eq!(Status::from_error(&&Teapot).message(), "short and stout");
    // A Status carries its own message: not "NOT_FOUND: Cache miss".
    let from = Status::from_error(&status);
    assert_eq!(
        (from.code(), from.message()),
        (Code::NotFound, "Cache miss")
    );
    assert_eq!(Status::from_error(&&status).message(), "Cache miss");
    let bare = Status::from_error(&Status::from_code(Code::Aborted));
    assert_eq!((bare.code(), bare.message()), (Code::Aborted, ""));

    struct Quota;
    impl std::fmt::Display for Quota {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("quota error: daily limit")
        }
    }
    impl HasCode for Quota {
        fn code(&self) -> Code {
            Code::ResourceExhausted
        }
        fn status_message(&self) -> Option<std::borrow::Cow<'_, str>> {
            Some("daily limit".into())
        }
    }
    let from = Status::from_error(&Quota);
    assert_eq!(from.to_string(), "RESOURCE_EXHAUSTED: daily limit");
    let dyn_error: &dyn HasCode = &Quota;
    assert_eq!(dyn_error.status_message().as_deref(), Some("daily limit"));
}

#[cfg(feature = "serde")]
mod serde_support {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[test]
    fn serializes_as_name() {
        for row in &TABLE {
            assert_eq!(
                serde_json::to_string(&row.code).unwrap(),
                format!("\"{}\"", row.name)
            );
        }
    }

    #[test]
    fn deserializes_every_spelling_and_number() {
        for row in &TABLE {
            let mut all = spellings(row.words);
            all.push(row.sentry.to_string());
            all.push(row.num.to_string());
            for spelling in all {
                let json = serde_json::to_string(&spelling).unwrap();
                assert_eq!(
                    serde_json::from_str::<Code>(&json).unwrap(),
                    row.code,
                    "{json}"
                );
            }
            assert_eq!(
                serde_json::from_str::<Code>(&row.num.to_string()).unwrap(),
                row.code
            );
            // Through visit_bytes too.
            let de = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(
                row.sentry.as_bytes(),
            );
            assert_eq!(Code::deserialize(de).unwrap(), row.code);
        }
        for (words, code) in ALIASES {
            for spelling in spellings(words) {
                let json = serde_json::to_string(&spelling).unwrap();
                assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), code, "{json}");
            }
        }
    }

    #[test]
    fn deserialize_errors() {
        let err = |json: &str| serde_json::from_str::<Code>(json).unwrap_err().to_string();
        assert!(
            err("17").contains("status code 17 is out of range"),
            "{}",
            err("17")
        );
        assert!(
            err("-1").contains("status code -1 is out of range"),
            "{}",
            err("-1")
        );
        assert!(err("4294967301").contains("status code 4294967301 is out of range"));
        assert!(err("18446744073709551615").contains("18446744073709551615"));
        assert!(
            err("\"nope\"").contains("unrecognized status code \"nope\""),
            "{}",
            err("\"nope\"")
        );
        assert!(err("\"17\"").contains("unrecognized status code \"17\""));
        let t = err("true");
        assert!(t.contains("invalid type: boolean `true`"), "{t}");
        assert!(t.contains("a status code name"), "{t}");
        assert!(err("null").contains("invalid type"));
        assert!(err("1.5").contains("invalid type"));
        assert!(err("[]").contains("invalid type"));
        let de = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(b"\xffok");
        assert!(
            Code::deserialize(de)
                .unwrap_err()
                .to_string()
                .contains("invalid value")
        );
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Span {
        status: Code,
        #[serde(with = "spanstatus_core::serde::sentry_name")]
        sentry_status: Code,
        #[serde(with = "spanstatus_core::serde::number")]
        grpc_status: Code,
    }

    #[test]
    fn with_modules() {
        for row in &TABLE {
            let span = Span {
                status: row.code,
                sentry_status: row.code,
                grpc_status: row.code,
            };
            let json = serde_json::to_value(&span).unwrap();
            assert_eq!(
                json,
                serde_json::json!({
                    "status": row.name,
                    "sentry_status": row.sentry,
                    "grpc_status": row.num,
                })
            );
            assert_eq!(serde_json::from_value::<Span>(json).unwrap(), span);
            // Each form reads what the others write.
            let swapped = serde_json::json!({
                "status": row.num,
                "sentry_status": row.name,
                "grpc_status": row.sentry,
            });
            assert_eq!(serde_json::from_value::<Span>(swapped).unwrap(), span);
        }
        let bad = serde_json::json!({"status": "OK", "sentry_status": "ok", "grpc_status": 17});
        assert!(serde_json::from_value::<Span>(bad).is_err());
        let bad = serde_json::json!({"status": "OK", "sentry_status": true, "grpc_status": 0});
        assert!(serde_json::from_value::<Span>(bad).is_err());
        // sentry_name reads Sentry's server and legacy names too; the others do not.
        for (name, code) in [
            ("unknown", Code::Unknown),
            ("success", Code::Ok),
            ("FAILURE", Code::Internal),
        ] {
            let json = serde_json::json!({"status": 0, "sentry_status": name, "grpc_status": 0});
            assert_eq!(
                serde_json::from_value::<Span>(json).unwrap().sentry_status,
                code
            );
        }
        let legacy =
            serde_json::json!({"status": "success", "sentry_status": "ok", "grpc_status": 0});
        let err = serde_json::from_value::<Span>(legacy)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unrecognized status code \"success\""),
            "{err}"
        );
        let bad = serde_json::json!({"status": 0, "sentry_status": "successful", "grpc_status": 0});
        let err = serde_json::from_value::<Span>(bad).unwrap_err().to_string();
        assert!(
            err.contains("legacy success (OK) or failure (INTERNAL)"),
            "{err}"
        );
        let bad = serde_json::json!({"status": 0, "sentry_status": false, "grpc_status": 0});
        let err = serde_json::from_value::<Span>(bad).unwrap_err().to_string();
        assert!(err.contains("a Sentry span status"), "{err}");
    }

    /// postcard is not self-describing (no `deserialize_any`) and not human-readable.
    #[test]
    fn postcard_round_trips_all_17() {
        for row in &TABLE {
            let span = Span {
                status: row.code,
                sentry_status: row.code,
                grpc_status: row.code,
            };
            let bytes = postcard::to_allocvec(&span).unwrap();
            // The default and `number`: the number as an i32 (zigzag varint,
            // one byte 2n here); `sentry_name`: a length-prefixed string.
            let number = u8::try_from(2 * row.num).unwrap();
            let mut expected = vec![number, u8::try_from(row.sentry.len()).unwrap()];
            expected.extend_from_slice(row.sentry.as_bytes());
            expected.push(number);
            assert_eq!(bytes, expected, "{}", row.name);
            assert_eq!(postcard::from_bytes::<Span>(&bytes).unwrap(), span);
        }
        let all = postcard::to_allocvec(&Code::ALL).unwrap();
        assert_eq!(postcard::from_bytes::<[Code; 17]>(&all).unwrap(), Code::ALL);
        let some: Vec<Option<Code>> = vec![None, Some(Code::DataLoss)];
        let bytes = postcard::to_allocvec(&some).unwrap();
        assert_eq!(
            postcard::from_bytes::<Vec<Option<Code>>>(&bytes).unwrap(),
            some
        );
        // sentry_name reads Sentry's other names from a binary format too.
        for (name, code) in [
            ("unknown", Code::Unknown),
            ("success", Code::Ok),
            ("INTERNAL", Code::Internal),
        ] {
            let bytes = postcard::to_allocvec(&(0i32, name, 0i32)).unwrap();
            assert_eq!(
                postcard::from_bytes::<Span>(&bytes).unwrap().sentry_status,
                code
            );
        }
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Number(#[serde(with = "spanstatus_core::serde::number")] Code);

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct SentryName(#[serde(with = "spanstatus_core::serde::sentry_name")] Code);

    #[test]
    fn postcard_bad_values_are_typed_errors() {
        use postcard::Error;

        let i32_bytes = |value: i32| postcard::to_allocvec(&value).unwrap();
        let str_bytes = |value: &str| postcard::to_allocvec(value).unwrap();
        for bytes in [i32_bytes(17), i32_bytes(-1), i32_bytes(i32::MAX)] {
            assert_eq!(
                postcard::from_bytes::<Code>(&bytes),
                Err(Error::SerdeDeCustom),
                "{bytes:?}"
            );
        }
        for bytes in [i32_bytes(17), i32_bytes(i32::MIN)] {
            assert_eq!(
                postcard::from_bytes::<Number>(&bytes),
                Err(Error::SerdeDeCustom)
            );
        }
        for name in ["teapot", "", "successful", "17"] {
            assert_eq!(
                postcard::from_bytes::<SentryName>(&str_bytes(name)),
                Err(Error::SerdeDeCustom),
                "{name:?}"
            );
        }
        assert_eq!(
            postcard::from_bytes::<SentryName>(&[2, 0xff, 0xfe]),
            Err(Error::DeserializeBadUtf8)
        );
        assert_eq!(
            postcard::from_bytes::<SentryName>(&[9, b'o', b'k']),
            Err(Error::DeserializeUnexpectedEnd)
        );
        assert_eq!(
            postcard::from_bytes::<Code>(&[]),
            Err(Error::DeserializeUnexpectedEnd)
        );
        assert_eq!(
            postcard::from_bytes::<Number>(&[0xff; 6]),
            Err(Error::DeserializeBadVarint)
        );
    }
}

#[cfg(feature = "tonic")]
mod tonic_support {
    use super::*;

    #[test]
    fn all_17_codes() {
        for row in &TABLE {
            let theirs = tonic::Code::from_i32(row.num);
            assert_eq!(theirs as i32, row.num);
            assert_eq!(Code::from(theirs), row.code);
            assert_eq!(tonic::Code::from(row.code), theirs);
            assert_eq!(HasCode::code(&theirs), row.code);
            // tonic's Debug is the CamelCase spelling.
            assert_eq!(format!("{theirs:?}").parse::<Code>(), Ok(row.code));

            let status = tonic::Status::new(theirs, format!("message {}", row.num));
            assert_eq!(HasCode::code(&status), row.code);
            let ours = Status::from(&status);
            assert_eq!(ours.code(), row.code);
            assert_eq!(ours.message(), format!("message {}", row.num));
            assert_eq!(Status::from(status), ours);
            let back = tonic::Status::from(ours);
            assert_eq!(back.code(), theirs);
            assert_eq!(back.message(), format!("message {}", row.num));
        }
    }

    #[test]
    fn from_error_takes_tonic_s_message_not_its_display() {
        let error = tonic::Status::deadline_exceeded("db slow");
        // tonic's Display wraps the message in its code and quotes.
        assert_ne!(error.to_string(), "db slow");
        assert_eq!(HasCode::status_message(&error).as_deref(), Some("db slow"));
        let status = Status::from_error(&error);
        assert_eq!(status.code(), Code::DeadlineExceeded);
        assert_eq!(status.message(), "db slow");
        assert_eq!(status.to_string(), "DEADLINE_EXCEEDED: db slow");
        // Through a reference and with an empty message too.
        assert_eq!(Status::from_error(&&error).message(), "db slow");
        let empty = Status::from_error(&tonic::Status::new(tonic::Code::Aborted, ""));
        assert_eq!((empty.code(), empty.message()), (Code::Aborted, ""));
        // tonic::Code has no message: its Display is the message.
        let from_code = Status::from_error(&tonic::Code::NotFound);
        assert_eq!(from_code.message(), tonic::Code::NotFound.to_string());
    }
}

#[cfg(feature = "http")]
mod http_support {
    use super::*;

    #[test]
    fn conversions() {
        for row in &TABLE {
            let status = row.code.to_http();
            assert_eq!(status.as_u16(), row.http);
            assert_eq!(
                status.canonical_reason().unwrap_or("Client Closed Request"),
                row.reason
            );
            assert_eq!(http::StatusCode::from(row.code), status);
        }
        for value in 100..=999u16 {
            let status = http::StatusCode::from_u16(value).unwrap();
            assert_eq!(Code::from_http(status), expected_semantic(value), "{value}");
            assert_eq!(Code::from(status), expected_semantic(value), "{value}");
        }
    }
}
