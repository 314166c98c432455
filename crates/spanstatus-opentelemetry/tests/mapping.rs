//! The policy table, the attributes and the way back, for all 17 codes.

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{KeyValue, Value};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue as ProtoKeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1 as proto;
use spanstatus_core::{Code, CodeSet};
use spanstatus_opentelemetry::{
    OkMapping, Policy, ReadCodeError, attributes, code_from_attributes, code_from_proto_span,
    to_otel_status,
};

/// Semantic conventions for gRPC (1.42), written out here by name rather than
/// taken from the crate: the codes that make a SERVER span an error.
const SERVER_ERROR_NAMES: [&str; 6] = [
    "UNKNOWN",
    "DEADLINE_EXCEEDED",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
];

const ALL_KINDS: [SpanKind; 5] = [
    SpanKind::Client,
    SpanKind::Server,
    SpanKind::Internal,
    SpanKind::Producer,
    SpanKind::Consumer,
];

fn expected_status(code: Code, kind: &SpanKind, ok: OkMapping, message: &str) -> Status {
    if code == Code::Ok {
        return match ok {
            OkMapping::Ok => Status::Ok,
            OkMapping::Unset => Status::Unset,
        };
    }
    let is_error = match kind {
        SpanKind::Server => SERVER_ERROR_NAMES.contains(&code.as_str()),
        _ => true,
    };
    if is_error {
        Status::error(message.to_owned())
    } else {
        Status::Unset
    }
}

fn find<'a>(attributes: &'a [KeyValue], key: &str) -> Vec<&'a Value> {
    attributes
        .iter()
        .filter(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
        .collect()
}

#[test]
fn status_for_every_code_kind_and_ok_mapping() {
    let mut checked = 0;
    for kind in &ALL_KINDS {
        for ok in [OkMapping::Ok, OkMapping::Unset] {
            let policy = Policy::for_kind(kind).with_ok(ok);
            for code in Code::ALL {
                let message = format!("message for {}", code.as_i32());
                assert_eq!(
                    to_otel_status(code, message.clone(), &policy),
                    expected_status(code, kind, ok, &message),
                    "{code} on a {kind:?} span with OK as {ok:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5 * 2 * 17);
}

#[test]
fn server_policy_has_exactly_six_error_codes() {
    let errors: Vec<&str> = Policy::SERVER.errors().iter().map(Code::as_str).collect();
    let mut expected = SERVER_ERROR_NAMES.to_vec();
    expected.sort_by_key(|name| name.parse::<Code>().unwrap());
    assert_eq!(errors, expected);
    assert_eq!(Policy::CLIENT.errors().len(), 16);
    assert!(!Policy::CLIENT.is_error(Code::Ok));
}

#[test]
fn instrumentation_policy_never_sets_ok() {
    for kind in &ALL_KINDS {
        assert_eq!(
            to_otel_status(Code::Ok, "fine", &Policy::instrumentation(kind)),
            Status::Unset
        );
        assert_eq!(
            to_otel_status(Code::Ok, "fine", &Policy::for_kind(kind)),
            Status::Ok
        );
    }
}

#[test]
fn description_is_the_message_alone() {
    let status = to_otel_status(Code::DeadlineExceeded, "took 3s", &Policy::CLIENT);
    let Status::Error { description } = status else {
        panic!("expected an error, got {status:?}");
    };
    assert_eq!(description, "took 3s");
    assert!(!description.contains("DEADLINE"));
    // An empty message stays empty: the code is in the attributes.
    assert_eq!(
        to_otel_status(Code::Internal, "", &Policy::SERVER),
        Status::error("")
    );
}

#[test]
fn custom_policy_and_its_typed_error() {
    let set = CodeSet::of(&[Code::NotFound, Code::Aborted]);
    let policy = Policy::custom(set).unwrap();
    for code in Code::ALL {
        let status = to_otel_status(code, "m", &policy);
        match code {
            Code::Ok => assert_eq!(status, Status::Ok),
            Code::NotFound | Code::Aborted => assert_eq!(status, Status::error("m")),
            _ => assert_eq!(status, Status::Unset, "{code}"),
        }
    }
    let err = Policy::custom(set.with(Code::Ok)).unwrap_err();
    assert_eq!(err.errors(), set.with(Code::Ok));
    assert!(err.to_string().contains("OK"), "{err}");
    assert!(Policy::custom(CodeSet::EMPTY).is_ok());
}

#[test]
fn attributes_for_every_code_under_both_policies() {
    for (policy, server) in [(Policy::CLIENT, false), (Policy::SERVER, true)] {
        for legacy in [false, true] {
            let policy = policy.with_legacy_grpc_status_code(legacy);
            for code in Code::ALL {
                let attrs = attributes(code, &policy);
                // Always exactly one string code.
                assert_eq!(
                    find(&attrs, "rpc.response.status_code"),
                    [&Value::from(code.as_str())],
                    "{code}"
                );
                let is_error =
                    code != Code::Ok && (!server || SERVER_ERROR_NAMES.contains(&code.as_str()));
                let error_type = find(&attrs, "error.type");
                if is_error {
                    assert_eq!(error_type, [&Value::from(code.as_str())], "{code}");
                } else {
                    assert!(error_type.is_empty(), "{code}: {error_type:?}");
                }
                let legacy_values = find(&attrs, "rpc.grpc.status_code");
                if legacy {
                    assert_eq!(legacy_values, [&Value::I64(code as i64)], "{code}");
                } else {
                    assert!(legacy_values.is_empty());
                }
                assert_eq!(attrs.len(), 1 + usize::from(is_error) + usize::from(legacy));
            }
        }
    }
}

fn proto_span(
    attributes: Vec<(&str, any_value::Value)>,
    code: proto::status::StatusCode,
) -> proto::Span {
    proto::Span {
        attributes: attributes
            .into_iter()
            .map(|(key, value)| ProtoKeyValue {
                key: key.to_owned(),
                value: Some(AnyValue { value: Some(value) }),
                key_strindex: 0,
            })
            .collect(),
        status: Some(proto::Status {
            message: String::new(),
            code: code as i32,
        }),
        ..Default::default()
    }
}

#[test]
fn every_code_comes_back_from_sdk_attributes_and_protobuf() {
    let mut checked = 0;
    for policy in [
        Policy::CLIENT,
        Policy::SERVER,
        Policy::instrumentation(&SpanKind::Server),
    ] {
        for code in Code::ALL {
            let attrs = attributes(code, &policy);
            let status = to_otel_status(code, "m", &policy);
            assert_eq!(code_from_attributes(&attrs, &status), Ok(code));

            let proto_status = match status {
                Status::Unset => proto::status::StatusCode::Unset,
                Status::Error { .. } => proto::status::StatusCode::Error,
                Status::Ok => proto::status::StatusCode::Ok,
            };
            let span = proto::Span {
                attributes: attrs
                    .into_iter()
                    .map(|kv| ProtoKeyValue {
                        key: kv.key.to_string(),
                        key_strindex: 0,
                        value: Some(AnyValue {
                            value: Some(match kv.value {
                                Value::String(s) => any_value::Value::StringValue(s.to_string()),
                                Value::I64(n) => any_value::Value::IntValue(n),
                                other => panic!("unexpected attribute value {other:?}"),
                            }),
                        }),
                    })
                    .collect(),
                status: Some(proto::Status {
                    message: String::new(),
                    code: proto_status as i32,
                }),
                ..Default::default()
            };
            assert_eq!(code_from_proto_span(&span), Ok(code));
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * 17);
}

#[test]
fn the_legacy_integer_alone_is_read_too() {
    for code in Code::ALL {
        let span = proto_span(
            vec![(
                "rpc.grpc.status_code",
                any_value::Value::IntValue(code as i64),
            )],
            proto::status::StatusCode::Unset,
        );
        assert_eq!(code_from_proto_span(&span), Ok(code));
        let attrs = [KeyValue::new("rpc.grpc.status_code", code as i64)];
        assert_eq!(code_from_attributes(&attrs, &Status::Unset), Ok(code));
    }
}

#[test]
fn the_last_duplicate_wins() {
    let attrs = [
        KeyValue::new("rpc.response.status_code", "INTERNAL"),
        KeyValue::new("rpc.response.status_code", "NOT_FOUND"),
    ];
    assert_eq!(
        code_from_attributes(&attrs, &Status::Unset),
        Ok(Code::NotFound)
    );
}

#[test]
fn bad_or_missing_attributes_are_typed_errors() {
    use any_value::Value as V;
    use proto::status::StatusCode as S;
    let cases: Vec<(proto::Span, ReadCodeError)> = vec![
        (
            proto_span(vec![], S::Unset),
            ReadCodeError::TooLittle { status: "Unset" },
        ),
        (
            proto_span(vec![], S::Error),
            ReadCodeError::TooLittle { status: "Error" },
        ),
        (
            proto_span(vec![("error.type", V::IntValue(5))], S::Error),
            ReadCodeError::Invalid {
                key: "error.type",
                value: "5".into(),
            },
        ),
        (
            proto_span(
                vec![("http.response.status_code", V::IntValue(70_000))],
                S::Error,
            ),
            ReadCodeError::Invalid {
                key: "http.response.status_code",
                value: "70000".into(),
            },
        ),
        (
            proto_span(
                vec![("http.response.status_code", V::StringValue("abc".into()))],
                S::Error,
            ),
            ReadCodeError::Invalid {
                key: "http.response.status_code",
                value: "\"abc\"".into(),
            },
        ),
        (
            proto_span(
                vec![("rpc.response.status_code", V::StringValue("-32602".into()))],
                S::Error,
            ),
            ReadCodeError::Invalid {
                key: "rpc.response.status_code",
                value: "\"-32602\"".into(),
            },
        ),
        (
            proto_span(vec![("rpc.response.status_code", V::IntValue(5))], S::Error),
            ReadCodeError::Invalid {
                key: "rpc.response.status_code",
                value: "5".into(),
            },
        ),
        (
            proto_span(vec![("rpc.grpc.status_code", V::IntValue(17))], S::Error),
            ReadCodeError::Invalid {
                key: "rpc.grpc.status_code",
                value: "17".into(),
            },
        ),
        (
            proto_span(vec![("rpc.grpc.status_code", V::IntValue(-1))], S::Error),
            ReadCodeError::Invalid {
                key: "rpc.grpc.status_code",
                value: "-1".into(),
            },
        ),
        (
            proto_span(vec![("rpc.grpc.status_code", V::BoolValue(true))], S::Error),
            ReadCodeError::Invalid {
                key: "rpc.grpc.status_code",
                value: "BoolValue(true)".into(),
            },
        ),
    ];
    for (span, expected) in cases {
        let got = code_from_proto_span(&span);
        assert_eq!(got, Err(expected.clone()), "{span:?}");
        assert!(!expected.to_string().is_empty());
    }
    // Without attributes, a span whose status is Ok is OK.
    assert_eq!(
        code_from_proto_span(&proto_span(vec![], S::Ok)),
        Ok(Code::Ok)
    );
    assert_eq!(code_from_attributes(&[], &Status::Ok), Ok(Code::Ok));
    assert_eq!(
        code_from_attributes(
            &[KeyValue::new("rpc.response.status_code", 2.5)],
            &Status::Unset
        ),
        Err(ReadCodeError::Invalid {
            key: "rpc.response.status_code",
            value: "2.5".into()
        })
    );
}

/// The layer's settings are kept apart: no builder call undoes another.
#[test]
fn layer_settings_do_not_depend_on_call_order() {
    use spanstatus_opentelemetry::StatusLayer;
    let a = StatusLayer::new(())
        .with_ok(OkMapping::Unset)
        .with_legacy_grpc_status_code(true)
        .with_policy(Policy::SERVER);
    let b = StatusLayer::new(())
        .with_policy(Policy::SERVER)
        .with_legacy_grpc_status_code(true)
        .with_ok(OkMapping::Unset);
    for layer in [&a, &b] {
        let policy = layer.policy_for(&SpanKind::Internal);
        assert_eq!(policy.ok_mapping(), OkMapping::Unset);
        assert!(policy.legacy_grpc_status_code());
        assert_eq!(policy.errors(), Policy::SERVER.errors());
        // Every kind's policy takes the settings that hold for all.
        let client = layer.policy_for(&SpanKind::Client);
        assert_eq!(client.ok_mapping(), OkMapping::Unset);
        assert!(client.legacy_grpc_status_code());
        assert_eq!(client.errors(), Policy::CLIENT.errors());
    }
    // A policy's own OK mapping holds when `with_ok` is not called.
    let c = StatusLayer::new(()).with_policy(Policy::CLIENT.with_ok(OkMapping::Unset));
    assert_eq!(
        c.policy_for(&SpanKind::Producer).ok_mapping(),
        OkMapping::Unset
    );
    // A policy per side, and the defaults of the others.
    let strict = Policy::custom(CodeSet::SERVER_ERRORS.with(Code::NotFound)).unwrap();
    let d = StatusLayer::new(()).with_server_policy(strict);
    assert_eq!(d.policy_for(&SpanKind::Server).errors(), strict.errors());
    assert_eq!(
        d.policy_for(&SpanKind::Client).errors(),
        Policy::CLIENT.errors()
    );
}
