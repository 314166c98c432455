//! Checks every code against the facts of the spec texts ("seeds"):
//!
//! - `000_*`: Sentry's span `status` table (names, descriptions, HTTP);
//! - `001_*`: OpenCensus `Status` (names, numbers, descriptions, HTTP);
//! - `002_*`: gRPC's status codes (names, numbers, codes the library never generates);
//! - `003_*`: Google API `statusCode` (names, google.rpc HTTP mapping and reason);
//! - `004_*`: google.rpc table (numbers, HTTP mapping) and gRPC's library-generated codes.
//!
//! The facts these checks use (the rows of those tables, not the texts) are
//! committed in `tests/fixtures/spec_facts.tsv`, and the code is always checked
//! against them. The seeds themselves are other projects' texts and not part
//! of the repository: they live in the `shared` folder beside the checkout
//! (`<workspace>/../shared/seeds`, i.e. `$CARGO_MANIFEST_DIR/../../../shared/seeds`)
//! or in `$SPANSTATUS_SEEDS`. When they are there, every fact is extracted from
//! them again and must equal the fixture, so a changed seed (or a fixture edited
//! by hand) fails; the failure prints the fixture lines extracted from the seed.
//!
//! - `$SPANSTATUS_SEEDS` names a folder without all five seeds: the tests fail.
//! - The default folder exists but lacks one of the seeds: the tests fail.
//! - The default folder is missing and `$CI` is set (not empty, `0` or `false`):
//!   the tests fail.
//! - The default folder is missing otherwise: the code is checked against the
//!   fixture only, with a warning (printed once, past the test harness's capture).

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use spanstatus_core::{Code, CodeSet};

// ---------------------------------------------------------------------------
// The seeds: where they are, and what happens when they are not there.
// ---------------------------------------------------------------------------

const FIXTURE_PATH: &str = "tests/fixtures/spec_facts.tsv";
const FIXTURE: &str = include_str!("fixtures/spec_facts.tsv");

/// The file name prefixes of the five seeds, `000_` to `004_`.
const SEED_PREFIXES: [&str; 5] = ["000_", "001_", "002_", "003_", "004_"];

struct Seeds {
    /// `(path, text)` of each seed, in the order of [`SEED_PREFIXES`].
    files: Vec<(PathBuf, String)>,
}

impl Seeds {
    fn get(&self, prefix: &str) -> (&Path, &str) {
        let at = SEED_PREFIXES
            .iter()
            .position(|p| *p == prefix)
            .unwrap_or_else(|| panic!("no seed {prefix}"));
        let (path, text) = &self.files[at];
        (path, text)
    }
}

fn default_seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
}

/// `$CI` is set to anything but empty, `0` or `false`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false"))
}

/// The first (sorted) `<prefix>*.txt` of `dir`, with its text.
fn read_seed(dir: &Path, prefix: &str) -> Result<Option<(PathBuf, String)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut found = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(prefix) && name.ends_with(".txt"))
        })
        .collect::<Vec<_>>();
    found.sort();
    let Some(path) = found.into_iter().next() else {
        return Ok(None);
    };
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(Some((path, text)))
}

/// The seeds from `explicit` (`$SPANSTATUS_SEEDS`) or else `default`:
/// `Ok(None)` only when there is no `explicit` folder, `default` does not
/// exist and `ci` is false; an `Err` (the tests fail) when the seeds should be
/// there and are not.
fn load_seeds(explicit: Option<&Path>, default: &Path, ci: bool) -> Result<Option<Seeds>, String> {
    let dir = explicit.unwrap_or(default);
    let origin = match explicit {
        Some(_) => "SPANSTATUS_SEEDS",
        None => "the default seeds folder",
    };
    if explicit.is_none() && !default.is_dir() {
        return if ci {
            Err(format!(
                "spec seeds folder {} not found and CI is set: the fixture {FIXTURE_PATH} \
                 must be checked against the seeds in CI (set SPANSTATUS_SEEDS to the \
                 folder with 000_..004_*.txt)",
                default.display()
            ))
        } else {
            Ok(None)
        };
    }
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for prefix in SEED_PREFIXES {
        match read_seed(dir, prefix)
            .map_err(|e| format!("spec seeds in {origin} {}: {e}", dir.display()))?
        {
            Some(file) => files.push(file),
            None => missing.push(format!("{prefix}*.txt")),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "spec seeds {} not found in {origin} {}",
            missing.join(", "),
            dir.display()
        ));
    }
    Ok(Some(Seeds { files }))
}

/// The seeds, loaded once; `None` (with a warning, once) when they may be missing.
fn seeds() -> Option<&'static Seeds> {
    static SEEDS: OnceLock<Result<Option<Seeds>, String>> = OnceLock::new();
    let loaded = SEEDS.get_or_init(|| {
        let explicit = std::env::var_os("SPANSTATUS_SEEDS").map(PathBuf::from);
        let loaded = load_seeds(explicit.as_deref(), &default_seeds_dir(), in_ci());
        if let Ok(None) = loaded {
            // Straight to stderr: the harness captures `eprintln!` of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "\n\
                 **************************************************************\n\
                 WARNING: spec seeds not found in {}\n\
                 WARNING: spec_seeds checked the code against {FIXTURE_PATH} only,\n\
                 WARNING: not the fixture against the seeds (set SPANSTATUS_SEEDS)\n\
                 **************************************************************",
                default_seeds_dir().display()
            );
        }
        loaded
    });
    match loaded {
        Ok(seeds) => seeds.as_ref(),
        Err(message) => panic!("{message}"),
    }
}

// ---------------------------------------------------------------------------
// Facts: records of the fixture, and the same records extracted from a seed.
// ---------------------------------------------------------------------------

/// One kind of fact: a line `KIND<TAB>field<TAB>...` of the fixture, and what
/// [`Fact::extract`] finds in the seed `SEED`.
trait Fact: Sized + PartialEq + Debug {
    /// The fixture's first column for this kind.
    const KIND: &'static str;
    /// The prefix of the seed the facts come from.
    const SEED: &'static str;
    fn from_fields(fields: &[&str]) -> Option<Self>;
    fn to_fields(&self) -> Vec<String>;
    /// Every fact of this kind in the seed's text, in order.
    fn extract(seed: &str) -> Vec<Self>;
}

/// The fixture's records of kind `F`, in order.
fn fixture<F: Fact>() -> Vec<F> {
    fixture_lines()
        .filter(|(_, fields)| fields[0] == F::KIND)
        .map(|(number, fields)| {
            F::from_fields(&fields[1..]).unwrap_or_else(|| {
                panic!(
                    "{FIXTURE_PATH}:{number}: malformed `{}` record {fields:?}",
                    F::KIND
                )
            })
        })
        .collect()
}

/// `(line number, tab-separated fields)` of the fixture's records (not `#`
/// comments or blank lines).
fn fixture_lines() -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    FIXTURE
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(at, line)| (at + 1, line.split('\t').collect()))
}

fn to_tsv<F: Fact>(facts: &[F]) -> String {
    facts
        .iter()
        .map(|fact| {
            let fields = fact.to_fields();
            for field in &fields {
                assert!(!field.contains(['\t', '\n', '\r']), "{field:?}");
            }
            format!("{}\t{}\n", F::KIND, fields.join("\t"))
        })
        .collect()
}

/// The fixture's facts of kind `F`; when the seeds are there, first checks
/// that the seed `F::SEED` has exactly these facts.
fn facts<F: Fact>() -> Vec<F> {
    let fixture = fixture::<F>();
    if let Some(seeds) = seeds() {
        let (path, text) = seeds.get(F::SEED);
        let extracted = F::extract(text);
        if extracted != fixture {
            let at = fixture
                .iter()
                .zip(&extracted)
                .position(|(a, b)| a != b)
                .unwrap_or(fixture.len().min(extracted.len()));
            panic!(
                "{FIXTURE_PATH} disagrees with the seed {} on `{}` records \
                 ({} in the fixture, {} in the seed); first difference at record {at}:\n\
                 \x20 fixture: {:?}\n\
                 \x20 seed:    {:?}\n\
                 If the seed is right (and the code agrees), replace the fixture's `{}` lines with:\n{}",
                path.display(),
                F::KIND,
                fixture.len(),
                extracted.len(),
                fixture.get(at),
                extracted.get(at),
                F::KIND,
                to_tsv(&extracted),
            );
        }
    }
    fixture
}

// ---------------------------------------------------------------------------
// Parsing helpers for the seeds.
// ---------------------------------------------------------------------------

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

fn number<T: std::str::FromStr>(field: &str) -> Option<T> {
    field.parse().ok()
}

// ---------------------------------------------------------------------------
// The kinds of facts.
// ---------------------------------------------------------------------------

/// 000: a row of Sentry's table: the names listed (`unknown` or
/// `unknown_error`), the description as written, the HTTP status.
#[derive(Debug, PartialEq)]
struct SentryRow {
    names: Vec<String>,
    description: String,
    http: u16,
}

impl Fact for SentryRow {
    const KIND: &'static str = "sentry";
    const SEED: &'static str = "000_";
    fn from_fields(fields: &[&str]) -> Option<Self> {
        let [names, description, http] = fields else {
            return None;
        };
        Some(SentryRow {
            names: names.split_whitespace().map(String::from).collect(),
            description: description.to_string(),
            http: number(http)?,
        })
    }
    fn to_fields(&self) -> Vec<String> {
        vec![
            self.names.join(" "),
            self.description.clone(),
            self.http.to_string(),
        ]
    }
    fn extract(seed: &str) -> Vec<Self> {
        seed.lines()
            .filter(|line| line.trim_start().starts_with("| `"))
            .map(cells)
            .map(|row| {
                assert!(row.len() >= 3, "{row:?}");
                SentryRow {
                    names: row[0]
                        .split('`')
                        .skip(1)
                        .step_by(2)
                        .map(String::from)
                        .collect(),
                    description: row[1].to_string(),
                    http: first_number(row[2])
                        .unwrap_or_else(|| panic!("no HTTP status in {row:?}")),
                }
            })
            .collect()
    }
}

/// 001: a row of the OpenCensus table: name, number, description as written
/// (curly apostrophes and all), HTTP status.
#[derive(Debug, PartialEq)]
struct OpenCensusRow {
    name: String,
    number: i32,
    description: String,
    http: u16,
}

impl Fact for OpenCensusRow {
    const KIND: &'static str = "opencensus";
    const SEED: &'static str = "001_";
    fn from_fields(fields: &[&str]) -> Option<Self> {
        let [name, num, description, http] = fields else {
            return None;
        };
        Some(OpenCensusRow {
            name: name.to_string(),
            number: number(num)?,
            description: description.to_string(),
            http: number(http)?,
        })
    }
    fn to_fields(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.number.to_string(),
            self.description.clone(),
            self.http.to_string(),
        ]
    }
    fn extract(seed: &str) -> Vec<Self> {
        numbered_rows(seed)
            .into_iter()
            .map(|(name, number, description, http)| OpenCensusRow {
                http: first_number(&http).unwrap_or_else(|| panic!("{name}: no HTTP status")),
                name,
                number,
                description,
            })
            .collect()
    }
}

/// 002: a row of gRPC's table: name and number (the seed's description must
/// not be empty).
#[derive(Debug, PartialEq)]
struct GrpcRow {
    name: String,
    number: i32,
}

impl Fact for GrpcRow {
    const KIND: &'static str = "grpc";
    const SEED: &'static str = "002_";
    fn from_fields(fields: &[&str]) -> Option<Self> {
        let [name, num] = fields else { return None };
        Some(GrpcRow {
            name: name.to_string(),
            number: number(num)?,
        })
    }
    fn to_fields(&self) -> Vec<String> {
        vec![self.name.clone(), self.number.to_string()]
    }
    fn extract(seed: &str) -> Vec<Self> {
        numbered_rows(seed)
            .into_iter()
            .map(|(name, number, description, _)| {
                assert!(!description.is_empty(), "{name}: no description");
                GrpcRow { name, number }
            })
            .collect()
    }
}

/// 002: a name of the list "never generated by the library, only by user code".
#[derive(Debug, PartialEq)]
struct ApplicationOnly {
    name: String,
}

impl Fact for ApplicationOnly {
    const KIND: &'static str = "grpc_application_only";
    const SEED: &'static str = "002_";
    fn from_fields(fields: &[&str]) -> Option<Self> {
        let [name] = fields else { return None };
        Some(ApplicationOnly {
            name: name.to_string(),
        })
    }
    fn to_fields(&self) -> Vec<String> {
        vec![self.name.clone()]
    }
    fn extract(seed: &str) -> Vec<Self> {
        // "never generated by the library, only by user code:" followed by a list.
        let start = seed
            .find("never generated by the library")
            .expect("the application-only list");
        seed[start..]
            .lines()
            .skip(1)
            .map(str::trim)
            .take_while(|line| line.starts_with("- "))
            .map(|line| ApplicationOnly {
                name: line.trim_start_matches("- ").trim().to_string(),
            })
            .collect()
    }
}

/// 003: a `"NAME" : ... HTTP Mapping: 404 Not Found` entry of the Google API
/// page: name, HTTP status, reason.
#[derive(Debug, PartialEq)]
struct GoogleApiEntry {
    name: String,
    http: u16,
    reason: String,
}

impl Fact for GoogleApiEntry {
    const KIND: &'static str = "google_api";
    const SEED: &'static str = "003_";
    fn from_fields(fields: &[&str]) -> Option<Self> {
        let [name, http, reason] = fields else {
            return None;
        };
        Some(GoogleApiEntry {
            name: name.to_string(),
            http: number(http)?,
            reason: reason.to_string(),
        })
    }
    fn to_fields(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.http.to_string(),
            self.reason.clone(),
        ]
    }
    fn extract(text: &str) -> Vec<Self> {
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
            entries.push(GoogleApiEntry {
                name: name.clone(),
                http: status,
                reason,
            });
        }
        entries
    }
}

/// 004: a row of the google.rpc table: name, number, HTTP status, reason.
#[derive(Debug, PartialEq)]
struct GoogleRpcRow {
    name: String,
    number: i32,
    http: u16,
    reason: String,
}

impl Fact for GoogleRpcRow {
    const KIND: &'static str = "google_rpc";
    const SEED: &'static str = "004_";
    fn from_fields(fields: &[&str]) -> Option<Self> {
        let [name, num, http, reason] = fields else {
            return None;
        };
        Some(GoogleRpcRow {
            name: name.to_string(),
            number: number(num)?,
            http: number(http)?,
            reason: reason.to_string(),
        })
    }
    fn to_fields(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.number.to_string(),
            self.http.to_string(),
            self.reason.clone(),
        ]
    }
    fn extract(seed: &str) -> Vec<Self> {
        numbered_rows(seed)
            .into_iter()
            .map(|(name, number, _, http)| {
                let status = first_number(&http).expect("status");
                let reason = http[3..].trim().to_string();
                GoogleRpcRow {
                    name,
                    number,
                    http: status,
                    reason,
                }
            })
            .collect()
    }
}

/// 004: a row of the situations table `| situation | CODE | Both/Server/Client |`:
/// the code gRPC generates there and on which side (the situation itself is
/// not kept).
#[derive(Debug, PartialEq)]
struct Generated {
    name: String,
    side: String,
}

impl Fact for Generated {
    const KIND: &'static str = "grpc_generated";
    const SEED: &'static str = "004_";
    fn from_fields(fields: &[&str]) -> Option<Self> {
        let [name, side] = fields else { return None };
        Some(Generated {
            name: name.to_string(),
            side: side.to_string(),
        })
    }
    fn to_fields(&self) -> Vec<String> {
        vec![self.name.clone(), self.side.clone()]
    }
    fn extract(seed: &str) -> Vec<Self> {
        seed.lines()
            .map(cells)
            .filter(|cells| cells.len() == 3 && is_code_name(cells[1]))
            .map(|cells| Generated {
                name: cells[1].to_string(),
                side: cells[2].to_string(),
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// The checks.
// ---------------------------------------------------------------------------

#[test]
fn sentry_table_000() {
    let rows: Vec<SentryRow> = facts();
    // The table has no number column: its rows are in numeric order.
    assert_eq!(rows.len(), 17, "rows of the Sentry table");
    for (row, code) in rows.iter().zip(Code::ALL) {
        let names = &row.names;
        assert!(!names.is_empty());
        // The SDK name we write is one the table lists; every listed name parses.
        assert!(
            names.iter().any(|name| name == code.sentry_str()),
            "{code:?}: {} not in {names:?}",
            code.sentry_str()
        );
        for name in names {
            assert_eq!(name.parse::<Code>(), Ok(code), "{name}");
        }
        assert_eq!(
            code.description(),
            corrected_description(&row.description),
            "{code:?}"
        );
        assert_eq!(code.http_status(), row.http, "{code:?}");
    }
    // UNKNOWN lists both names; the SDKs' spelling is the one we write.
    assert_eq!(rows[2].names, ["unknown", "unknown_error"]);
    assert_eq!(Code::Unknown.sentry_str(), "unknown_error");
    // The typo we correct is really there (if the seed is ever fixed, drop the correction).
    assert!(rows[14].description.contains("currently available"));
}

#[test]
fn opencensus_table_001() {
    let rows: Vec<OpenCensusRow> = facts();
    assert_eq!(rows.len(), 17, "rows of the OpenCensus table");
    let mut curly = 0;
    for row in &rows {
        let name = &row.name;
        let num = row.number;
        let code = Code::from_i32(num).unwrap_or_else(|| panic!("{name} has number {num}"));
        assert_eq!(code.as_str(), name);
        assert_eq!(name.parse::<Code>(), Ok(code));
        assert_eq!(
            code.description(),
            corrected_description(&row.description),
            "{name}"
        );
        assert_eq!(code.http_status(), row.http, "{name}");
        curly += usize::from(row.description.contains('\u{2019}'));
    }
    // Curly apostrophes in don't/doesn't/shouldn't: UNKNOWN, PERMISSION_DENIED,
    // FAILED_PRECONDITION, UNAUTHENTICATED.
    assert_eq!(curly, 4);
    let nums: Vec<i32> = rows.iter().map(|row| row.number).collect();
    assert_eq!(nums, (0..17).collect::<Vec<_>>());
}

#[test]
fn grpc_table_002() {
    let rows: Vec<GrpcRow> = facts();
    assert_eq!(rows.len(), 17, "rows of the gRPC table");
    for GrpcRow { name, number: num } in &rows {
        let code = code_named(name);
        assert_eq!(code.as_i32(), *num, "{name}");
        assert_eq!(Code::from_i32(*num), Some(code));
        assert_eq!(code.grpc_status_str(), num.to_string());
    }
    let never: Vec<ApplicationOnly> = facts();
    let never: Vec<&str> = never.iter().map(|entry| entry.name.as_str()).collect();
    assert_eq!(never.len(), 7, "{never:?}");
    let set: CodeSet = never.iter().map(|name| code_named(name)).collect();
    assert_eq!(set, CodeSet::APPLICATION_ONLY);
    for code in Code::ALL {
        assert_eq!(code.is_application_only(), never.contains(&code.as_str()));
    }
}

#[test]
fn google_api_status_code_003() {
    let entries: Vec<GoogleApiEntry> = facts();
    assert_eq!(entries.len(), 17, "{entries:?}");
    let names: BTreeSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.len(), 17);
    for GoogleApiEntry { name, http, reason } in &entries {
        let code = code_named(name);
        assert_eq!(code.http_status(), *http, "{name}");
        assert_eq!(code.http_reason(), reason, "{name}");
    }
}

#[test]
fn google_rpc_table_004() {
    let rows: Vec<GoogleRpcRow> = facts();
    // The copy stops before DATA_LOSS (its HTTP mapping is checked from 003).
    assert!(rows.len() >= 16, "{}", rows.len());
    for GoogleRpcRow {
        name,
        number: num,
        http,
        reason,
    } in &rows
    {
        let code = code_named(name);
        assert_eq!(code.as_i32(), *num, "{name}");
        assert_eq!(code.http_status(), *http, "{name}");
        assert_eq!(code.http_reason(), reason, "{name}");
    }

    // The situations table: `| situation | CODE | Both/Server/Client |`. Every
    // code gRPC generates there is one it may generate, none application-only.
    let situations: Vec<Generated> = facts();
    let generated: BTreeSet<Code> = situations
        .iter()
        .map(|row| {
            assert!(
                ["Both", "Server", "Client"].contains(&row.side.as_str()),
                "{row:?}"
            );
            code_named(&row.name)
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
    // The OpenCensus and gRPC tables list the same names with the same numbers.
    let opencensus: Vec<OpenCensusRow> = facts();
    let grpc: Vec<GrpcRow> = facts();
    assert_eq!(opencensus.len(), grpc.len());
    for (a, b) in opencensus.iter().zip(&grpc) {
        assert_eq!((&a.name, a.number), (&b.name, b.number));
    }
    // Sentry's names vs the OpenCensus/gRPC names: each Sentry name is the
    // lowercased canonical name or its `_error` form.
    for code in Code::ALL {
        let lower = code.as_str().to_ascii_lowercase();
        assert!(
            code.sentry_str() == lower || code.sentry_str() == format!("{lower}_error"),
            "{code:?}"
        );
    }
}

/// Every record of the fixture is of a known kind and well formed (a typo in
/// a kind would otherwise drop its records silently), and every kind has records.
#[test]
fn fixture_is_well_formed() {
    let counts = [
        (SentryRow::KIND, fixture::<SentryRow>().len()),
        (OpenCensusRow::KIND, fixture::<OpenCensusRow>().len()),
        (GrpcRow::KIND, fixture::<GrpcRow>().len()),
        (ApplicationOnly::KIND, fixture::<ApplicationOnly>().len()),
        (GoogleApiEntry::KIND, fixture::<GoogleApiEntry>().len()),
        (GoogleRpcRow::KIND, fixture::<GoogleRpcRow>().len()),
        (Generated::KIND, fixture::<Generated>().len()),
    ];
    for (number, fields) in fixture_lines() {
        assert!(
            counts.iter().any(|(kind, _)| *kind == fields[0]),
            "{FIXTURE_PATH}:{number}: unknown record kind {:?}",
            fields[0]
        );
    }
    for (kind, count) in counts {
        assert!(count > 0, "{FIXTURE_PATH}: no `{kind}` records");
    }
}

/// The rules of [`load_seeds`], on scratch folders.
#[test]
fn seeds_location_rules() {
    let scratch = std::env::temp_dir().join(format!(
        "spanstatus-spec-seeds-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
    ));
    let missing = scratch.join("missing");
    let empty = scratch.join("empty");
    let partial = scratch.join("partial");
    let full = scratch.join("full");
    for dir in [&empty, &partial, &full] {
        std::fs::create_dir_all(dir).unwrap();
    }
    for (at, prefix) in SEED_PREFIXES.iter().enumerate() {
        let name = format!("{prefix}seed.txt");
        std::fs::write(full.join(&name), format!("seed {at}")).unwrap();
        if at < 4 {
            std::fs::write(partial.join(&name), format!("seed {at}")).unwrap();
        }
    }
    fn outcome(explicit: Option<&Path>, default: &Path, ci: bool) -> &'static str {
        match load_seeds(explicit, default, ci) {
            Ok(Some(seeds)) => {
                let texts: Vec<&str> = seeds.files.iter().map(|(_, t)| t.as_str()).collect();
                assert_eq!(texts, ["seed 0", "seed 1", "seed 2", "seed 3", "seed 4"]);
                "found"
            }
            Ok(None) => "skipped",
            Err(_) => "fails",
        }
    }
    for ci in [false, true] {
        // SPANSTATUS_SEEDS wins over the default folder, and must hold all five seeds.
        assert_eq!(outcome(Some(&full), &missing, ci), "found");
        assert_eq!(outcome(Some(&missing), &full, ci), "fails");
        assert_eq!(outcome(Some(&empty), &full, ci), "fails");
        assert_eq!(outcome(Some(&partial), &full, ci), "fails");
        // A default folder that exists must hold all five seeds.
        assert_eq!(outcome(None, &full, ci), "found");
        assert_eq!(outcome(None, &empty, ci), "fails");
        assert_eq!(outcome(None, &partial, ci), "fails");
    }
    // Only a missing default folder outside CI skips the seeds.
    assert_eq!(outcome(None, &missing, false), "skipped");
    assert_eq!(outcome(None, &missing, true), "fails");
    std::fs::remove_dir_all(&scratch).unwrap();
}
