//! Checks every code against the spec texts themselves (`shared/seeds`):
//!
//! - `000_*`: Sentry's span `status` table (names, descriptions, HTTP);
//! - `001_*`: OpenCensus `Status` (names, numbers, descriptions, HTTP);
//! - `002_*`: gRPC's status codes (names, numbers, codes the library never generates);
//! - `003_*`: Google API `statusCode` (names, google.rpc HTTP mapping and reason);
//! - `004_*`: google.rpc table (numbers, HTTP mapping) and gRPC's library-generated codes.
//!
//! The seeds live in the `shared` folder beside the repository checkout
//! (`$CARGO_MANIFEST_DIR/../../../shared/seeds`) or in `$SPANSTATUS_SEEDS`. They
//! are not part of the repository (they are other projects' texts): when
//! `$SPANSTATUS_SEEDS` names a folder without them the tests fail; when the
//! folder beside the checkout is missing they warn loudly and do not run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use spanstatus_core::{Code, CodeSet};

struct Seeds {
    sentry: String,
    opencensus: String,
    grpc: String,
    google_api: String,
    google_rpc: String,
}

fn seeds_dir() -> PathBuf {
    match std::env::var_os("SPANSTATUS_SEEDS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds"),
    }
}

fn read_seed(dir: &Path, prefix: &str) -> Option<String> {
    let mut found = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(prefix) && name.ends_with(".txt"))
        })
        .collect::<Vec<_>>();
    found.sort();
    let path = found.first()?;
    Some(
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())),
    )
}

/// The seeds, or `None` (with a loud warning) when the default folder lacks them.
fn seeds() -> Option<Seeds> {
    let dir = seeds_dir();
    let load = || {
        Some(Seeds {
            sentry: read_seed(&dir, "000_")?,
            opencensus: read_seed(&dir, "001_")?,
            grpc: read_seed(&dir, "002_")?,
            google_api: read_seed(&dir, "003_")?,
            google_rpc: read_seed(&dir, "004_")?,
        })
    };
    match load() {
        Some(seeds) => Some(seeds),
        None if std::env::var_os("SPANSTATUS_SEEDS").is_some() => panic!(
            "spec seeds 000_..004_*.txt not found in SPANSTATUS_SEEDS={}",
            dir.display()
        ),
        None => {
            eprintln!();
            eprintln!("**************************************************************");
            eprintln!("WARNING: spec seeds not found in {}", dir.display());
            eprintln!("WARNING: the spec_seeds checks did NOT run (set SPANSTATUS_SEEDS)");
            eprintln!("**************************************************************");
            None
        }
    }
}

/// The cells of a Markdown table row (`| a | b |` or `a | b |`), trimmed.
fn cells(line: &str) -> Vec<&str> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    line.split('|').map(str::trim).collect()
}

/// The first run of ASCII digits in `text`.
fn first_number(text: &str) -> Option<u16> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn is_code_name(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        && text.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
}

/// The one deliberate correction (see `Code::description`): both tables say
/// UNAVAILABLE means "currently available". 001 also uses curly apostrophes.
fn corrected_description(text: &str) -> String {
    text.replace('\u{2019}', "'")
        .replace("currently available", "currently unavailable")
}

/// Rows of a `State | Code | Description | HTTP` style table whose second cell
/// is a number: `(name, number, description, http)`.
fn numbered_rows(text: &str) -> Vec<(String, i32, String, String)> {
    text.lines()
        .filter(|line| line.contains('|'))
        .map(cells)
        .filter(|cells| cells.len() >= 3 && is_code_name(cells[0]))
        .filter_map(|cells| {
            let num = cells[1].parse().ok()?;
            Some((
                cells[0].to_string(),
                num,
                cells[2].to_string(),
                cells.get(3).map_or(String::new(), |c| c.to_string()),
            ))
        })
        .collect()
}

fn code_named(name: &str) -> Code {
    *Code::ALL
        .iter()
        .find(|code| code.as_str() == name)
        .unwrap_or_else(|| panic!("no code has the canonical name {name}"))
}

#[test]
fn sentry_table_000() {
    let Some(seeds) = seeds() else { return };
    let rows: Vec<Vec<&str>> = seeds
        .sentry
        .lines()
        .filter(|line| line.trim_start().starts_with("| `"))
        .map(cells)
        .collect();
    // The table has no number column: its rows are in numeric order.
    assert_eq!(rows.len(), 17, "rows of the Sentry table");
    for (row, code) in rows.iter().zip(Code::ALL) {
        let names: Vec<&str> = row[0].split('`').skip(1).step_by(2).collect();
        assert!(!names.is_empty());
        // The SDK name we write is one the table lists; every listed name parses.
        assert!(
            names.contains(&code.sentry_str()),
            "{code:?}: {} not in {names:?}",
            code.sentry_str()
        );
        for name in &names {
            assert_eq!(name.parse::<Code>(), Ok(code), "{name}");
        }
        assert_eq!(
            code.description(),
            corrected_description(row[1]),
            "{code:?}"
        );
        assert_eq!(Some(code.http_status()), first_number(row[2]), "{code:?}");
    }
    // UNKNOWN lists both names; the SDKs' spelling is the one we write.
    let unknown: Vec<&str> = rows[2][0].split('`').skip(1).step_by(2).collect();
    assert_eq!(unknown, ["unknown", "unknown_error"]);
    assert_eq!(Code::Unknown.sentry_str(), "unknown_error");
    // The typo we correct is really there (if the seed is ever fixed, drop the correction).
    assert!(rows[14][1].contains("currently available"));
}

#[test]
fn opencensus_table_001() {
    let Some(seeds) = seeds() else { return };
    let rows = numbered_rows(&seeds.opencensus);
    assert_eq!(rows.len(), 17, "rows of the OpenCensus table");
    let mut curly = 0;
    for (name, num, description, http) in &rows {
        let code = Code::from_i32(*num).unwrap_or_else(|| panic!("{name} has number {num}"));
        assert_eq!(code.as_str(), name);
        assert_eq!(name.parse::<Code>(), Ok(code));
        assert_eq!(
            code.description(),
            corrected_description(description),
            "{name}"
        );
        assert_eq!(Some(code.http_status()), first_number(http), "{name}");
        curly += usize::from(description.contains('\u{2019}'));
    }
    // Curly apostrophes in don't/doesn't/shouldn't: UNKNOWN, PERMISSION_DENIED,
    // FAILED_PRECONDITION, UNAUTHENTICATED.
    assert_eq!(curly, 4);
    let nums: Vec<i32> = rows.iter().map(|row| row.1).collect();
    assert_eq!(nums, (0..17).collect::<Vec<_>>());
}

#[test]
fn grpc_table_002() {
    let Some(seeds) = seeds() else { return };
    let rows = numbered_rows(&seeds.grpc);
    assert_eq!(rows.len(), 17, "rows of the gRPC table");
    for (name, num, description, _) in &rows {
        let code = code_named(name);
        assert_eq!(code.as_i32(), *num, "{name}");
        assert_eq!(Code::from_i32(*num), Some(code));
        assert_eq!(code.grpc_status_str(), num.to_string());
        assert!(!description.is_empty());
    }
    // "never generated by the library, only by user code:" followed by a list.
    let start = seeds
        .grpc
        .find("never generated by the library")
        .expect("the application-only list");
    let never: Vec<&str> = seeds.grpc[start..]
        .lines()
        .skip(1)
        .map(str::trim)
        .take_while(|line| line.starts_with("- "))
        .map(|line| line.trim_start_matches("- ").trim())
        .collect();
    assert_eq!(never.len(), 7, "{never:?}");
    let set: CodeSet = never.iter().map(|name| code_named(name)).collect();
    assert_eq!(set, CodeSet::APPLICATION_ONLY);
    for code in Code::ALL {
        assert_eq!(code.is_application_only(), never.contains(&code.as_str()));
    }
}

/// `"NAME" : ... HTTP Mapping: 404 Not Found` entries of the Google API page.
fn google_api_entries(text: &str) -> Vec<(String, u16, String)> {
    // Positions of `"NAME" :`.
    let mut starts = Vec::new();
    let mut search = 0;
    while let Some(found) = text[search..].find("\" :") {
        let end = search + found;
        if let Some(open) = text[..end].rfind('"') {
            let name = &text[open + 1..end];
            if is_code_name(name) {
                starts.push((open, name.to_string()));
            }
        }
        search = end + 3;
    }
    let mut entries = Vec::new();
    for (i, (start, name)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(text.len(), |next| next.0);
        let entry = &text[*start..end];
        let at = entry.find("HTTP Mapping: ").expect("HTTP Mapping") + "HTTP Mapping: ".len();
        let mapping = &entry[at..];
        let status = first_number(mapping).expect("status");
        let reason = mapping[3..]
            .split(['\n', '-'])
            .next()
            .unwrap()
            .trim()
            .to_string();
        entries.push((name.clone(), status, reason));
    }
    entries
}

#[test]
fn google_api_status_code_003() {
    let Some(seeds) = seeds() else { return };
    let entries = google_api_entries(&seeds.google_api);
    assert_eq!(entries.len(), 17, "{entries:?}");
    let names: BTreeSet<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names.len(), 17);
    for (name, status, reason) in &entries {
        let code = code_named(name);
        assert_eq!(code.http_status(), *status, "{name}");
        assert_eq!(code.http_reason(), reason, "{name}");
    }
}

#[test]
fn google_rpc_table_004() {
    let Some(seeds) = seeds() else { return };
    let rows = numbered_rows(&seeds.google_rpc);
    // The copy stops before DATA_LOSS (its HTTP mapping is checked from 003).
    assert!(rows.len() >= 16, "{}", rows.len());
    for (name, num, _, http) in &rows {
        let code = code_named(name);
        assert_eq!(code.as_i32(), *num, "{name}");
        let status = first_number(http).expect("status");
        assert_eq!(code.http_status(), status, "{name}");
        let reason = http[3..].trim();
        assert_eq!(code.http_reason(), reason, "{name}");
    }

    // The situations table: `| situation | CODE | Both/Server/Client |`. Every
    // code gRPC generates there is one it may generate, none application-only.
    let generated: BTreeSet<Code> = seeds
        .google_rpc
        .lines()
        .map(cells)
        .filter(|cells| cells.len() == 3 && is_code_name(cells[1]))
        .map(|cells| {
            assert!(
                ["Both", "Server", "Client"].contains(&cells[2]),
                "{cells:?}"
            );
            code_named(cells[1])
        })
        .collect();
    assert!(generated.len() >= 7, "{generated:?}");
    for code in generated {
        assert!(code.may_be_library_generated(), "{code:?}");
        assert!(!code.is_application_only(), "{code:?}");
        assert!(CodeSet::LIBRARY_GENERATED.contains(code));
    }
}

#[test]
fn seeds_agree_with_each_other() {
    let Some(seeds) = seeds() else { return };
    // Sentry's names vs the OpenCensus/gRPC names: each Sentry name is the
    // lowercased canonical name or its `_error` form.
    let opencensus = numbered_rows(&seeds.opencensus);
    let grpc = numbered_rows(&seeds.grpc);
    for ((a, na, _, _), (b, nb, _, _)) in opencensus.iter().zip(&grpc) {
        assert_eq!((a, na), (b, nb));
    }
    for code in Code::ALL {
        let lower = code.as_str().to_ascii_lowercase();
        assert!(
            code.sentry_str() == lower || code.sentry_str() == format!("{lower}_error"),
            "{code:?}"
        );
    }
}
