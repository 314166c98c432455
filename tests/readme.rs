//! The README's mapping tables are generated from the code: this test fails
//! when they drift. `SPANSTATUS_BLESS=1 cargo test --test readme` rewrites them.

use spanstatus::{Code, CodeSet, grpc};

fn codes_table() -> String {
    let mut out = String::from(
        "| # | name | Sentry | HTTP (google.rpc) | gRPC library may generate | retry advice | description |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for code in Code::ALL {
        out += &format!(
            "| {} | `{}` | `{}` | {} {} | {} | {:?} | {} |\n",
            code.as_i32(),
            code.as_str(),
            code.sentry_str(),
            code.http_status(),
            code.http_reason(),
            match (code.is_ok(), code.may_be_library_generated()) {
                (true, _) => "—",
                (false, true) => "yes",
                (false, false) => "no (application only)",
            },
            code.retry_advice(),
            code.description(),
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

fn replace_section(readme: &str, name: &str, body: &str) -> String {
    let start = format!("<!-- generated:{name} -->\n");
    let end = format!("<!-- /generated:{name} -->");
    let from = readme
        .find(&start)
        .unwrap_or_else(|| panic!("README has no {start}"))
        + start.len();
    let to = readme[from..]
        .find(&end)
        .unwrap_or_else(|| panic!("README has no {end}"))
        + from;
    format!("{}{}{}", &readme[..from], body, &readme[to..])
}

#[test]
fn readme_tables_match_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let mut expected = readme.clone();
    for (name, body) in [
        ("codes", codes_table()),
        ("http", http_table()),
        ("sets", sets_table()),
    ] {
        expected = replace_section(&expected, name, &body);
    }
    if std::env::var_os("SPANSTATUS_BLESS").is_some() {
        std::fs::write(path, &expected).unwrap();
        return;
    }
    assert!(
        readme == expected,
        "README tables differ from the code; run `SPANSTATUS_BLESS=1 cargo test --test readme`"
    );
}
