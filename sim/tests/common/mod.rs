// SPDX-License-Identifier: Apache-2.0
//! Shared by the model's integration tests: the WaveDrom timing diagrams of docs/timing/,
//! loaded as lanes of one character per cycle.

/// A WaveDrom diagram from docs/timing: the whole document, and its lanes as (name,
/// one character per cycle with '.' expanded).
pub fn load_diagram(file: &str) -> (serde_json::Value, Vec<(String, Vec<char>)>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/timing").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lanes = doc["signal"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: no signal list"))
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), expand_wave(s["wave"].as_str().unwrap())))
        .collect();
    (doc, lanes)
}

/// A WaveDrom wave string with '.' expanded to the previous character.
fn expand_wave(wave: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut last = 'x';
    for c in wave.chars() {
        let c = if c == '.' { last } else { c };
        out.push(c);
        last = c;
    }
    out
}
