#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use spanstatus_core::grpc;

fuzz_target!(|value: &[u8]| {
    // Decoding arbitrary bytes never fails, and borrows plain UTF-8.
    let decoded = grpc::decode_message(value);
    if !value.contains(&b'%') {
        if let Ok(text) = core::str::from_utf8(value) {
            assert!(matches!(decoded, Cow::Borrowed(s) if s == text));
        }
    }
    // Encoding any string gives header-safe bytes that decode back to it.
    if let Ok(text) = core::str::from_utf8(value) {
        let encoded = grpc::encode_message(text);
        assert!(encoded.bytes().all(|b| (0x20..=0x7E).contains(&b)));
        assert_eq!(grpc::decode_message(encoded.as_bytes()), text);
    }
    // Re-encoding a decoded value is stable: decode(encode(decoded)) == decoded.
    let again = grpc::encode_message(&decoded);
    assert_eq!(grpc::decode_message(again.as_bytes()), &*decoded);
});
