// SPDX-License-Identifier: Apache-2.0
//! Shared by the tlbsim package's integration tests (the same `cases!` as the harness's
//! tests/common: each crate keeps its test helpers to itself).

/// One `#[test]` per case, as mooneye-gb's suite generates one per (test ROM, model):
///
/// ```ignore
/// cases! { bad_input_gets_a_clear_error: cores_17(&["run", "--cores", "17"], "cores must be 2 to 16") }
/// ```
///
/// makes a module named after the function, holding one test per case that calls it with
/// the case's arguments (`bad_input_gets_a_clear_error::cores_17`, ...). A failing case
/// hides no other, `cargo test bad_input` still runs them all, and nextest shards
/// them one by one. `CASES` lists the case names (for a check that a list of cases is
/// complete).
#[allow(unused_macros)]
macro_rules! cases {
    ($run:ident: $($case:ident($($arg:expr),* $(,)?)),+ $(,)?) => {
        mod $run {
            #[allow(unused_imports)]
            use super::*;
            #[allow(dead_code)]
            pub const CASES: &[&str] = &[$(stringify!($case)),+];
            $(
                #[test]
                fn $case() {
                    super::$run($($arg),*);
                }
            )+
        }
    };
}
