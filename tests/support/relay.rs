//! Sentry's own normalizer (Relay, PyPI `sentry-relay`) for the end-to-end
//! tests: transactions captured from the real `sentry` client as the JSON
//! events Relay receives, normalized by `sentry_relay.StoreNormalizer` in one
//! Python process (found through `SPANSTATUS_PYTHON`, set by
//! `scripts/python-deps.sh`).
#![allow(dead_code)] // each user takes what it needs

use std::io::Write;
use std::process::{Command, Stdio};
use std::thread;

use sentry::ClientOptions;
use sentry::protocol::EnvelopeItem;
use serde_json::{Value, json};

/// Reads JSON events, one a line, and writes Relay's normalized form of each.
const NORMALIZE: &str = r#"
import json, sys
import sentry_relay
normalizer = sentry_relay.StoreNormalizer()
for line in sys.stdin:
    event = json.loads(line)
    try:
        out = {"ok": normalizer.normalize_event(event)}
    except Exception as error:
        out = {"error": repr(error)}
    sys.stdout.write(json.dumps(out) + "\n")
"#;

/// The Python with `sentry_relay`, or `None` (with a loud warning) when it is
/// missing outside CI. In CI a missing normalizer fails the test.
pub fn relay_python() -> Option<String> {
    let problem = match std::env::var("SPANSTATUS_PYTHON") {
        Err(_) => "SPANSTATUS_PYTHON is not set".to_owned(),
        Ok(python) => match Command::new(&python)
            .args(["-c", "import sentry_relay"])
            .output()
        {
            Ok(out) if out.status.success() => return Some(python),
            Ok(out) => format!(
                "`{python} -c 'import sentry_relay'` failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(error) => format!("cannot run {python}: {error}"),
        },
    };
    if std::env::var_os("CI").is_some() {
        panic!("Sentry's normalizer is required in CI: {problem}; run scripts/python-deps.sh");
    }
    // Straight to stderr: the test harness would swallow `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!!!!! WARNING: SKIPPING the Relay end-to-end test: {problem}.\n\
         !!!!!!!! Run `eval \"$(scripts/python-deps.sh)\"` to install sentry-relay.\n"
    );
    None
}

/// Normalizes every event in one Python process.
pub fn normalize(python: &str, events: &[Value]) -> Vec<Value> {
    let mut child = Command::new(python)
        .args(["-c", NORMALIZE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the normalizer");
    let mut input = String::new();
    for event in events {
        input.push_str(&event.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("run the normalizer");
    writer.join().unwrap().expect("write events");
    assert!(
        out.status.success(),
        "normalizer exited with {}",
        out.status
    );
    let normalized: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let mut reply: Value = serde_json::from_str(line).unwrap();
            match reply.get_mut("ok") {
                Some(event) => event.take(),
                None => panic!("Relay rejected an event: {}", reply["error"]),
            }
        })
        .collect();
    assert_eq!(normalized.len(), events.len());
    normalized
}

/// Runs `f` under the real client with every transaction sampled, and gives
/// each captured transaction as the JSON event Relay receives.
pub fn capture(f: impl FnOnce()) -> Vec<Value> {
    sentry::test::with_captured_envelopes_options(f, ClientOptions::new().traces_sample_rate(1.0))
        .into_iter()
        .flat_map(|envelope| envelope.into_items())
        .filter_map(|item| match item {
            EnvelopeItem::Transaction(transaction) => {
                let mut event = serde_json::to_value(&transaction).unwrap();
                event["type"] = json!("transaction");
                Some(event)
            }
            _ => None,
        })
        .collect()
}

pub fn by_name<'a>(events: &'a [Value], name: &str) -> &'a Value {
    events
        .iter()
        .find(|event| event["transaction"] == name)
        .unwrap_or_else(|| panic!("no transaction {name}"))
}

pub fn span_named<'a>(event: &'a Value, description: &str) -> &'a Value {
    event["spans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|span| span["description"] == description)
        .unwrap_or_else(|| panic!("no span {description} in {event:#}"))
}
