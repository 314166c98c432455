//! The documentation's mapping tables are generated from the code: the codes
//! table in `README.md`, the full codes, HTTP and `CodeSet` tables in
//! `docs/mapping.md`.
//! These tests fail when a table drifts from the code or a
//! `<!-- generated:NAME -->` / `<!-- /generated:NAME -->` marker is missing;
//! `SPANSTATUS_BLESS=1 cargo test --test readme` rewrites the tables (a
//! missing marker still fails).

use spanstatus::{Code, CodeSet, grpc};

/// The README's table: what a reader needs first.
fn codes_table() -> String {
    let mut out = String::from(
        "| # | name | Sentry | HTTP (google.rpc) | description |\n\
         |---|---|---|---|---|\n",
    );
    for code in Code::ALL {
        out += &format!(
            "| {} | `{}` | `{}` | {} {} | {} |\n",
            code.as_i32(),
            code.as_str(),
            code.sentry_str(),
            code.http_status(),
            code.http_reason(),
            code.description(),
        );
    }
    out
}

/// docs/mapping.md's table: also which codes the gRPC library itself may
/// generate, and the retry advice.
fn codes_full_table() -> String {
    let mut out = String::from(
        "| # | name | gRPC library may generate | retry advice |\n\
         |---|---|---|---|\n",
    );
    for code in Code::ALL {
        out += &format!(
            "| {} | `{}` | {} | {:?} |\n",
            code.as_i32(),
            code.as_str(),
            match (code.is_ok(), code.may_be_library_generated()) {
                (true, _) => "—",
                (false, true) => "yes",
                (false, false) => "no (application only)",
            },
            code.retry_advice(),
        );
    }
    out
}

fn http_table() -> String {
    let mut out = String::from(
        "| HTTP status | `Code::from_http_status` (HTTP spans, Sentry JS) | `grpc::code_from_http_response` (gRPC transport) |\n\
         |---|---|---|\n",
    );
    let mut boundaries: Vec<u16> = vec![100];
    for status in 101..=599u16 {
        if Code::from_http_status(status) != Code::from_http_status(status - 1)
            || grpc::code_from_http_response(status) != grpc::code_from_http_response(status - 1)
        {
            boundaries.push(status);
        }
    }
    boundaries.push(600);
    for pair in boundaries.windows(2) {
        let (start, end) = (pair[0], pair[1] - 1);
        let range = if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        };
        out += &format!(
            "| {range} | {} | {} |\n",
            Code::from_http_status(start),
            grpc::code_from_http_response(start)
        );
    }
    out += &format!(
        "| below 100, 600 and above | {} | {} |\n",
        Code::from_http_status(600),
        grpc::code_from_http_response(600)
    );
    out
}

fn sets_table() -> String {
    let mut out = String::from("| `CodeSet` constant | codes |\n|---|---|\n");
    for (name, set) in [
        ("ERRORS", CodeSet::ERRORS),
        ("APPLICATION_ONLY", CodeSet::APPLICATION_ONLY),
        ("LIBRARY_GENERATED", CodeSet::LIBRARY_GENERATED),
        ("SERVER_ERRORS", CodeSet::SERVER_ERRORS),
        ("AIP194_RETRYABLE", CodeSet::AIP194_RETRYABLE),
        ("AIP194_NEVER_RETRY", CodeSet::AIP194_NEVER_RETRY),
    ] {
        out += &format!("| `{name}` | {set} |\n");
    }
    out
}

/// Replaces what lies between `<!-- generated:NAME -->` and
/// `<!-- /generated:NAME -->` in `text` (a file named `file`) with `body`.
/// Panics unless each marker occurs exactly once, the start line first.
fn replace_section(text: &str, file: &str, name: &str, body: &str) -> String {
    let start = format!("<!-- generated:{name} -->\n");
    let end = format!("<!-- /generated:{name} -->");
    for marker in [&start, &end] {
        let count = text.matches(marker.as_str()).count();
        assert!(
            count == 1,
            "{file} must contain `{}` exactly once (found {count})",
            marker.trim_end()
        );
    }
    let from = text.find(&start).unwrap() + start.len();
    let to = text[from..]
        .find(&end)
        .unwrap_or_else(|| panic!("{file}: `{end}` comes before `{}`", start.trim_end()))
        + from;
    format!("{}{}{}", &text[..from], body, &text[to..])
}

/// Checks (or, with `SPANSTATUS_BLESS` set, rewrites) the generated sections
/// of the file at `path`, relative to the repository root.
fn check(path: &str, sections: &[(&str, String)]) {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut expected = text.clone();
    for (name, body) in sections {
        expected = replace_section(&expected, path, name, body);
    }
    if std::env::var_os("SPANSTATUS_BLESS").is_some() {
        if expected != text {
            std::fs::write(&full, &expected).unwrap();
        }
        return;
    }
    assert!(
        text == expected,
        "the tables in {path} differ from the code; run `SPANSTATUS_BLESS=1 cargo test --test readme`"
    );
}

/// Where each generated table lives.
const HOMES: [(&str, &str); 4] = [
    ("README.md", "codes"),
    ("docs/mapping.md", "codes-full"),
    ("docs/mapping.md", "http"),
    ("docs/mapping.md", "sets"),
];

#[test]
fn readme_codes_table_matches_the_code() {
    check("README.md", &[("codes", codes_table())]);
}

#[test]
fn mapping_tables_match_the_code() {
    check(
        "docs/mapping.md",
        &[
            ("codes-full", codes_full_table()),
            ("http", http_table()),
            ("sets", sets_table()),
        ],
    );
}

/// A table moved to another page without this test following it would go
/// unchecked: every `<!-- generated:NAME -->` in the README and `docs/` must
/// be one of [`HOMES`].
#[test]
fn every_generated_marker_is_checked() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = vec!["README.md".to_owned()];
    for entry in std::fs::read_dir(format!("{root}/docs")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".md") {
            files.push(format!("docs/{name}"));
        }
    }
    for file in files {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        for (at, _) in text.match_indices("<!-- generated:") {
            let rest = &text[at + "<!-- generated:".len()..];
            let name = &rest[..rest.find(" -->").unwrap_or(rest.len())];
            assert!(
                HOMES.contains(&(file.as_str(), name)),
                "{file} has a generated table `{name}` that tests/readme.rs does not check"
            );
        }
    }
}

#[test]
#[should_panic(expected = "exactly once")]
fn a_missing_marker_fails() {
    replace_section(
        "| table |\n<!-- /generated:codes -->\n",
        "README.md",
        "codes",
        "",
    );
}
