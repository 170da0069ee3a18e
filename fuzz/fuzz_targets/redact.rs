#![no_main]

// A secret planted anywhere in arbitrary text never survives redaction.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kp_triage::fuzz::redact(data));
