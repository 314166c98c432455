#![no_main]

use libfuzzer_sys::fuzz_target;
use spanstatus_core::Code;

fuzz_target!(|input: &str| {
    match input.parse::<Code>() {
        Ok(code) => {
            // Whatever was accepted, the code's own names parse back to it.
            assert_eq!(code.as_str().parse::<Code>(), Ok(code));
            assert_eq!(code.sentry_str().parse::<Code>(), Ok(code));
            assert_eq!(code.grpc_status_str().parse::<Code>(), Ok(code));
            assert_eq!(Code::from_i32(code.as_i32()), Some(code));
            // Only ASCII spellings are accepted.
            assert!(input.is_ascii() && !input.is_empty());
        }
        Err(err) => {
            assert!(input.starts_with(err.input()));
            assert!(err.input().len() <= 40);
            assert_eq!(err.input_len(), input.len());
            assert_eq!(err.is_truncated(), err.input().len() < input.len());
            let message = err.to_string();
            assert!(message.starts_with("unrecognized status code \""));
            assert!(!message.chars().any(char::is_control));
        }
    }
});
