//! Any bytes as a `.toml` and as a `.json` framework: `load_framework` returns a validated
//! framework or a list of errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nagar_io::load_framework;

fuzz_target!(|data: &[u8]| {
    for name in ["x.toml", "x.json"] {
        if let Err(errs) = load_framework(data, name) {
            assert!(!errs.is_empty());
        }
    }
});
