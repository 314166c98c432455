//! [`Protocol`]: the OTLP transport named by `OTEL_EXPORTER_OTLP_PROTOCOL`.
//!
//! opentelemetry-otlp 0.33 reads the endpoint, headers, timeout, compression
//! and insecure variables itself, but when it reads the protocol variable it
//! ignores a value it doesn't know (with a warning few people see) and falls
//! back to a default. The examples choose the transport from [`Protocol`]
//! instead, so that a typo is an error:
//!
//! ```
//! use std::ffi::OsString;
//! use spanstatus_devtools::otlp_protocol::{Protocol, traces_protocol};
//!
//! let env = |name: &str| (name == "OTEL_EXPORTER_OTLP_PROTOCOL").then(|| OsString::from("grpc"));
//! assert_eq!(traces_protocol(env).unwrap(), Protocol::Grpc);
//!
//! let typo = |name: &str| (name == "OTEL_EXPORTER_OTLP_PROTOCOL").then(|| OsString::from("gprc"));
//! assert_eq!(
//!     traces_protocol(typo).unwrap_err().to_string(),
//!     "OTEL_EXPORTER_OTLP_PROTOCOL=\"gprc\" is not an OTLP protocol; \
//!      expected one of grpc, http/protobuf, http/json",
//! );
//! ```

use std::ffi::OsString;
use std::fmt;
use std::str::FromStr;

/// The generic protocol variable.
pub const PROTOCOL_VAR: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
/// The traces-specific protocol variable; it overrides [`PROTOCOL_VAR`].
pub const TRACES_PROTOCOL_VAR: &str = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";

/// An OTLP transport, as the OpenTelemetry specification spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Protocol {
    /// `grpc`: OTLP/gRPC, default port 4317.
    Grpc,
    /// `http/protobuf`: OTLP/HTTP with a binary protobuf body, default port
    /// 4318. The specification's default.
    #[default]
    HttpProtobuf,
    /// `http/json`: OTLP/HTTP with a JSON body, default port 4318.
    HttpJson,
}

impl Protocol {
    /// Every protocol, in the order the specification lists them.
    pub const ALL: [Protocol; 3] = [Protocol::Grpc, Protocol::HttpProtobuf, Protocol::HttpJson];

    /// The specification's spelling: `grpc`, `http/protobuf` or `http/json`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
            Protocol::HttpJson => "http/json",
        }
    }

    /// The collector's default port for this transport: 4317 for gRPC, 4318
    /// for HTTP.
    pub const fn default_port(self) -> u16 {
        match self {
            Protocol::Grpc => 4317,
            Protocol::HttpProtobuf | Protocol::HttpJson => 4318,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Protocol {
    type Err = ProtocolError;

    /// Accepts the specification's spellings, ignoring ASCII case as
    /// opentelemetry-otlp does.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Protocol::ALL
            .into_iter()
            .find(|protocol| protocol.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ProtocolError {
                variable: None,
                value: s.to_owned(),
            })
    }
}

/// A protocol value that is not one of [`Protocol::ALL`]: shows the variable
/// (when it came from one), the value as given, and what is accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    variable: Option<&'static str>,
    value: String,
}

impl ProtocolError {
    /// The variable the value came from, if any.
    pub fn variable(&self) -> Option<&'static str> {
        self.variable
    }

    /// The rejected value (lossily decoded when it was not UTF-8).
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(variable) = self.variable {
            write!(f, "{variable}=")?;
        }
        write!(
            f,
            "{:?} is not an OTLP protocol; expected one of ",
            self.value
        )?;
        for (i, protocol) in Protocol::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(protocol.as_str())?;
        }
        Ok(())
    }
}

impl std::error::Error for ProtocolError {}

/// The traces protocol the standard variables ask for:
/// `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`,
/// else `http/protobuf` (the specification's default). An empty variable
/// counts as unset; any other value outside [`Protocol::ALL`] is an error.
///
/// `var` looks a variable up; [`traces_protocol_from_env`] passes
/// [`std::env::var_os`].
pub fn traces_protocol(var: impl Fn(&str) -> Option<OsString>) -> Result<Protocol, ProtocolError> {
    for variable in [TRACES_PROTOCOL_VAR, PROTOCOL_VAR] {
        let Some(value) = var(variable).filter(|value| !value.is_empty()) else {
            continue;
        };
        let value = value.to_string_lossy();
        return value.parse().map_err(|_| ProtocolError {
            variable: Some(variable),
            value: value.into_owned(),
        });
    }
    Ok(Protocol::default())
}

/// [`traces_protocol`] from the process environment.
pub fn traces_protocol_from_env() -> Result<Protocol, ProtocolError> {
    traces_protocol(|name| std::env::var_os(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        }
    }

    #[test]
    fn parses_the_three_spellings() {
        assert_eq!("grpc".parse(), Ok(Protocol::Grpc));
        assert_eq!("http/protobuf".parse(), Ok(Protocol::HttpProtobuf));
        assert_eq!("http/json".parse(), Ok(Protocol::HttpJson));
        assert_eq!("HTTP/JSON".parse(), Ok(Protocol::HttpJson));
        for protocol in Protocol::ALL {
            assert_eq!(protocol.to_string().parse(), Ok(protocol));
        }
        assert_eq!(Protocol::Grpc.default_port(), 4317);
        assert_eq!(Protocol::HttpJson.default_port(), 4318);
    }

    #[test]
    fn rejects_anything_else() {
        for bad in [
            "",
            "http",
            "grpc ",
            "http/proto",
            "http/protobuf/json",
            "https",
        ] {
            let error = bad.parse::<Protocol>().unwrap_err();
            assert_eq!(error.value(), bad);
            assert_eq!(error.variable(), None);
            assert_eq!(
                error.to_string(),
                format!(
                    "{bad:?} is not an OTLP protocol; expected one of grpc, http/protobuf, http/json"
                )
            );
        }
    }

    #[test]
    fn reads_the_traces_variable_first() {
        assert_eq!(traces_protocol(env(&[])), Ok(Protocol::HttpProtobuf));
        assert_eq!(
            traces_protocol(env(&[(PROTOCOL_VAR, "grpc")])),
            Ok(Protocol::Grpc)
        );
        assert_eq!(
            traces_protocol(env(&[
                (PROTOCOL_VAR, "grpc"),
                (TRACES_PROTOCOL_VAR, "http/json")
            ])),
            Ok(Protocol::HttpJson)
        );
        // Empty means unset.
        assert_eq!(
            traces_protocol(env(&[(PROTOCOL_VAR, "grpc"), (TRACES_PROTOCOL_VAR, "")])),
            Ok(Protocol::Grpc)
        );
        assert_eq!(
            traces_protocol(env(&[(PROTOCOL_VAR, "")])),
            Ok(Protocol::HttpProtobuf)
        );
    }

    #[test]
    fn names_the_variable_of_a_bad_value() {
        // A bad traces value is not hidden by a good generic one.
        let error = traces_protocol(env(&[
            (PROTOCOL_VAR, "grpc"),
            (TRACES_PROTOCOL_VAR, "thrift"),
        ]))
        .unwrap_err();
        assert_eq!(error.variable(), Some(TRACES_PROTOCOL_VAR));
        assert_eq!(error.value(), "thrift");
        assert_eq!(
            error.to_string(),
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=\"thrift\" is not an OTLP protocol; \
             expected one of grpc, http/protobuf, http/json"
        );
        let error = traces_protocol(env(&[(PROTOCOL_VAR, "udp")])).unwrap_err();
        assert_eq!(error.variable(), Some(PROTOCOL_VAR));
    }
}
