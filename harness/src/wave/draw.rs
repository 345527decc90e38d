// SPDX-License-Identifier: Apache-2.0
//! SVG elements, and the drawing of one row: a 1-bit signal as a trace, a vector as
//! hexagons with its value in hex; unknown and high-impedance values in their own colours;
//! the row geometry and the time axis the layout (`render.rs`) places them with.

use std::fmt::Write as _;

pub(super) const FONT: f64 = 12.0;
/// Advance of one character of a 12 px monospace font (DejaVu Sans Mono: 0.602 em).
pub(super) const CHAR_W: f64 = 7.3;
pub(super) const ROW_H: f64 = 22.0;
const WAVE_H: f64 = 14.0;

/// Maps times to x: each cycle of the window gets the same width, whatever the clock does.
pub(super) struct Axis {
    /// Cycle boundaries: `b[0]` the start of the first cycle, `b[k+1]` the rising edge ending
    /// cycle `from + k`.
    pub(super) b: Vec<u64>,
    pub(super) x0: f64,
    pub(super) px: f64,
}

impl Axis {
    pub(super) fn x(&self, t: u64) -> f64 {
        let n = self.b.len() - 1;
        if t <= self.b[0] {
            return self.x0;
        }
        if t >= self.b[n] {
            return self.x0 + n as f64 * self.px;
        }
        let k = self.b.partition_point(|&e| e <= t) - 1;
        let frac = (t - self.b[k]) as f64 / (self.b[k + 1] - self.b[k]).max(1) as f64;
        self.x0 + (k as f64 + frac) * self.px
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A bit's state in a VCD (four-state, and VHDL's nine).
fn is_state(c: char) -> bool {
    matches!(c, '0' | '1' | 'x' | 'z' | 'X' | 'Z' | 'u' | 'w' | 'h' | 'l' | '-')
}

/// Hex digits of a bit string without leading zeros; a nibble with unknown bits is `x`
/// (all x), `z` (all z) or `X` (some).
fn hex(bits: &str) -> String {
    if bits.is_empty() || !bits.chars().all(is_state) {
        return bits.to_string();
    }
    let pad = (4 - bits.len() % 4) % 4;
    let fill = if bits.starts_with(['x', 'z']) { bits.as_bytes()[0] as char } else { '0' };
    let padded: Vec<char> = std::iter::repeat_n(fill, pad).chain(bits.chars()).collect();
    let digits: String = padded
        .chunks(4)
        .map(|n| {
            if n.iter().all(|c| matches!(c, '0' | '1')) {
                let v = n.iter().fold(0, |a, &c| a * 2 + (c == '1') as u32);
                char::from_digit(v, 16).expect("a nibble")
            } else if n.iter().all(|&c| c == 'x') {
                'x'
            } else if n.iter().all(|&c| c == 'z') {
                'z'
            } else {
                'X'
            }
        })
        .collect();
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zero,
    Value,
    Unknown,
    HighZ,
}

fn kind(bits: &str) -> Kind {
    if bits.chars().all(|c| c == '0') && !bits.is_empty() {
        Kind::Zero
    } else if bits.chars().all(|c| matches!(c, '0' | '1')) {
        Kind::Value
    } else if bits.chars().all(|c| c == 'z') {
        Kind::HighZ
    } else if bits.chars().all(is_state) {
        Kind::Unknown
    } else {
        // Real or string values: drawn as a bus with the text inside.
        Kind::Value
    }
}

/// SVG elements, one a line.
#[derive(Default)]
pub(super) struct Svg {
    pub(super) out: String,
    /// An x or z value was drawn (the picture then explains the colours).
    pub(super) unknown: bool,
}

impl Svg {
    pub(super) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, stroke: Option<&str>) {
        let stroke = stroke.map(|s| format!(r#" stroke="{s}" stroke-width="1""#)).unwrap_or_default();
        let _ =
            writeln!(self.out, r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{fill}"{stroke}/>"#);
    }

    pub(super) fn line(
        &mut self,
        (x1, y1): (f64, f64),
        (x2, y2): (f64, f64),
        stroke: &str,
        width: f64,
        title: Option<&str>,
    ) {
        let _ = write!(
            self.out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" stroke-width="{width}""#
        );
        self.close(title, "line");
    }

    /// Text at (x, y) with `attrs`; `title` is the tooltip.
    pub(super) fn text(&mut self, x: f64, y: f64, attrs: &str, text: &str, title: Option<&str>) {
        let _ = write!(self.out, r#"<text x="{x:.1}" y="{y:.1}" {attrs}>{}"#, xml(text));
        if let Some(t) = title {
            let _ = write!(self.out, "<title>{}</title>", xml(t));
        }
        let _ = writeln!(self.out, "</text>");
    }

    fn polygon(&mut self, points: &[(f64, f64)], fill: &str, stroke: &str, title: Option<&str>) {
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let pts = pts.join(" ");
        let _ = write!(self.out, r#"<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="1.2""#);
        self.close(title, "polygon");
    }

    fn path(&mut self, d: &str, stroke: &str) {
        let _ = writeln!(self.out, r#"<path d="{d}" fill="none" stroke="{stroke}" stroke-width="1.5"/>"#);
    }

    /// Ends an element opened without its `>`: empty, or holding a tooltip.
    fn close(&mut self, title: Option<&str>, tag: &str) {
        let _ = match title {
            Some(t) => writeln!(self.out, "><title>{}</title></{tag}>", xml(t)),
            None => writeln!(self.out, "/>"),
        };
    }

    /// A row: its elements carry the signal's full name (for tools and tests).
    pub(super) fn open_group(&mut self, signal: &str) {
        let _ = writeln!(self.out, r#"<g data-signal="{}">"#, xml(signal));
    }

    pub(super) fn close_group(&mut self) {
        let _ = writeln!(self.out, "</g>");
    }
}

const TRACE: &str = "#1b6e3a";
const BUS: &str = "#2a5d9f";
const BUS_FILL: &str = "#dce8f7";
const X_STROKE: &str = "#c0392b";
pub(super) const X_FILL: &str = "#f6d2cd";
const Z_STROKE: &str = "#c98a00";

/// Top and bottom of a row's wave, and its middle.
fn levels(y: f64) -> (f64, f64, f64) {
    let (hi, lo) = (y + (ROW_H - WAVE_H) / 2.0, y + (ROW_H + WAVE_H) / 2.0);
    (hi, lo, (hi + lo) / 2.0)
}

/// A 1-bit signal: one trace for its 0/1 stretches, x as a red box, z as an amber midline.
pub(super) fn draw_bit(svg: &mut Svg, axis: &Axis, segs: &[(u64, u64, String)], y: f64) {
    let (hi, lo, mid) = levels(y);
    let mut path = String::new();
    let mut drawing = false;
    for (t0, t1, v) in segs {
        let (xa, xb) = (axis.x(*t0), axis.x(*t1));
        let level = match v.as_str() {
            "1" => hi,
            "0" => lo,
            _ => {
                svg.unknown = true;
                drawing = false;
                if v == "z" {
                    svg.line((xa, mid), (xb, mid), Z_STROKE, 1.5, None);
                } else {
                    svg.rect(xa, hi, (xb - xa).max(0.5), WAVE_H, X_FILL, Some(X_STROKE));
                }
                continue;
            }
        };
        // Continuing the trace draws the vertical edge from the previous level.
        let _ = write!(path, " {}{xa:.1},{level:.1} L{xb:.1},{level:.1}", if drawing { "L" } else { "M" });
        drawing = true;
    }
    if !path.is_empty() {
        svg.path(path.trim_start(), TRACE);
    }
}

/// A vector: one hexagon per value, the hex value inside when it fits, the value as tooltip.
pub(super) fn draw_bus(svg: &mut Svg, axis: &Axis, segs: &[(u64, u64, String)], y: f64, label: &str) {
    let (hi, lo, mid) = levels(y);
    for (t0, t1, v) in segs {
        let (xa, xb) = (axis.x(*t0), axis.x(*t1));
        let (w, text) = (xb - xa, hex(v));
        let s = (w / 2.0).min(3.0);
        let title = format!("{label} = {text}");
        let k = kind(v);
        svg.unknown |= matches!(k, Kind::Unknown | Kind::HighZ);
        match k {
            Kind::HighZ => svg.line((xa, mid), (xb, mid), Z_STROKE, 1.5, Some(&title)),
            _ => {
                let (stroke, fill) = match k {
                    Kind::Zero => (BUS, "none"),
                    Kind::Unknown => (X_STROKE, X_FILL),
                    _ => (BUS, BUS_FILL),
                };
                let points = [(xa, mid), (xa + s, hi), (xb - s, hi), (xb, mid), (xb - s, lo), (xa + s, lo)];
                svg.polygon(&points, fill, stroke, Some(&title));
            }
        }
        if text.chars().count() as f64 * CHAR_W + 2.0 * s + 4.0 <= w {
            svg.text((xa + xb) / 2.0, mid + FONT * 0.35, r##"text-anchor="middle" fill="#1a2a3a""##, &text, None);
        }
    }
}
