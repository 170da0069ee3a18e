#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kp_triage::fuzz::pipeline(data);
});
