#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rugzak_fuzz::grant(data));
