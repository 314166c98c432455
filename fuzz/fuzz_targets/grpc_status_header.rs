#![no_main]

use libfuzzer_sys::fuzz_target;
use spanstatus_core::{Code, grpc};

fuzz_target!(|value: &[u8]| {
    // Oracle: the canonical decimal form of a number from 0 to 16.
    let expected = core::str::from_utf8(value)
        .ok()
        .and_then(|text| text.parse::<u8>().ok().filter(|n| n.to_string() == text))
        .filter(|&n| n <= 16);
    match grpc::parse_status_header(value) {
        Ok(code) => assert_eq!(Some(code.as_i32()), expected.map(i32::from)),
        Err(err) => {
            assert_eq!(expected, None);
            assert_eq!(err.raw(), value);
            assert_eq!(err.to_status().code(), Code::Unknown);
        }
    }
});
