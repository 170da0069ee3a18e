#![no_main]

// Redaction stays linear: a line repeating the input, twice as long, costs
// about twice the counted work.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kp_triage::fuzz::redact_linear(data));
