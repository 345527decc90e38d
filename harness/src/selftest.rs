// SPDX-License-Identifier: Apache-2.0
//! The FPGA boards' self-test (`fpga/selftest/tlb_selftest.sv`) in Verilator: the logic of
//! the board tops without the board (no PLL, no pins), its UART decoded into status lines.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{ConfigError, Error};
use crate::rtl::{file_list, hit_latency_suffix, pack, unpack, RtlTop, TopSpec};

/// UART baud rate of the boards (fpga/*/ top files).
pub const BAUD: u32 = 115_200;

/// The self-test's output ports and widths, in the order the wrapper packs them.
const OUTPUTS: [(&str, u32); 10] = [
    ("uart_tx_o", 1),
    ("led_heartbeat_o", 1),
    ("led_pass_o", 1),
    ("led_fail_o", 1),
    ("checks_o", 32),
    ("hits_o", 32),
    ("faults_o", 32),
    ("shootdowns_o", 32),
    ("fails_o", 32),
    ("fail_info_o", 32),
];

/// A self-test build: the system's size and the simulated clock.
#[derive(Clone, Copy, Debug)]
pub struct SelfTestConfig {
    pub cores: usize,
    pub entries: usize,
    /// The cores' HitLatency, 1 or 2 (the generator waits for each answer).
    pub hit_latency: u8,
    /// Clock cycles per UART bit (the top's ClkHz is this times 115200).
    pub clks_per_bit: u32,
    /// Cycles between status lines.
    pub status_cycles: u32,
}

impl Default for SelfTestConfig {
    fn default() -> Self {
        SelfTestConfig { cores: 4, entries: 16, hit_latency: 1, clks_per_bit: 8, status_cycles: 20_000 }
    }
}

impl SelfTestConfig {
    fn spec(&self) -> TopSpec {
        let ins = [("fault_i".to_string(), 1)];
        let outs: Vec<(String, u32)> = OUTPUTS.iter().map(|&(p, w)| (p.to_string(), w)).collect();
        let sources = file_list(include_str!("../../fpga/selftest/sources.f")).into_iter().map(String::from);
        TopSpec::new(
            format!(
                "tlb_selftest_sim_n{}_e{}_b{}_s{}{}",
                self.cores,
                self.entries,
                self.clks_per_bit,
                self.status_cycles,
                hit_latency_suffix(self.hit_latency)
            ),
            "tlb_selftest",
            "u_selftest",
            &[
                ("NumCores", self.cores),
                ("Entries", self.entries),
                ("HitLatency", self.hit_latency as usize),
                ("ClkHz", (self.clks_per_bit * BAUD) as usize),
                ("StatusCycles", self.status_cycles as usize),
            ],
            &ins,
            &outs,
        )
        .with_sources(sources)
    }
}

/// The self-test's outputs in one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SelfTestOutputs {
    pub uart_tx: bool,
    pub led_heartbeat: bool,
    pub led_pass: bool,
    pub led_fail: bool,
    pub checks: u32,
    pub hits: u32,
    pub faults: u32,
    pub shootdowns: u32,
    pub fails: u32,
    pub fail_info: FailInfo,
}

/// The first failure the checker saw (`fail_info_o`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FailInfo(pub u32);

impl FailInfo {
    pub fn core(self) -> u32 {
        self.0 >> 28
    }
    pub fn process(self) -> u32 {
        (self.0 >> 26) & 3
    }
    pub fn page(self) -> u32 {
        (self.0 >> 22) & 15
    }
    pub fn fault(self) -> bool {
        (self.0 >> 21) & 1 != 0
    }
    pub fn got_version(self) -> u32 {
        (self.0 >> 17) & 15
    }
    pub fn min_version(self) -> u32 {
        (self.0 >> 9) & 255
    }
    pub fn window(self) -> u32 {
        (self.0 >> 4) & 31
    }
    pub fn reason(self) -> u32 {
        self.0 & 15
    }
    pub fn reason_name(self) -> &'static str {
        match self.reason() {
            0 => "none",
            1 => "frame of another page or process",
            2 => "stale version (older than a completed sync allows)",
            3 => "translation from an unmapped version",
            4 => "page fault while every allowed version is mapped",
            5 => "command refused",
            _ => "unknown",
        }
    }
}

impl fmt::Display for FailInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.reason() == 5 {
            return write!(f, "core {}: {} (opcode {})", self.core(), self.reason_name(), (self.0 >> 4) & 31);
        }
        write!(
            f,
            "core {}, process {} (ASID {}), page {}: {}; {} low version bits {:#x}, minimum version {:#x}, window {}",
            self.core(),
            self.process(),
            self.process() + 1,
            self.page(),
            self.reason_name(),
            if self.fault() { "fault," } else { "frame with" },
            self.got_version(),
            self.min_version(),
            self.window()
        )
    }
}

/// A UART receiver (8N1) sampling the line once a clock cycle.
#[derive(Clone, Debug)]
pub struct UartRx {
    clks_per_bit: u32,
    /// Cycles until the next sample; None when idle.
    countdown: Option<u32>,
    bit: u32,
    byte: u8,
    /// Bytes whose stop bit was low.
    pub framing_errors: u32,
}

impl UartRx {
    pub fn new(clks_per_bit: u32) -> UartRx {
        UartRx { clks_per_bit, countdown: None, bit: 0, byte: 0, framing_errors: 0 }
    }

    /// The line level in one cycle; a byte when its stop bit has been sampled.
    pub fn sample(&mut self, tx: bool) -> Option<u8> {
        match self.countdown {
            None => {
                if !tx {
                    // Start bit: sample bit 0 in the middle of its bit time.
                    self.countdown = Some(self.clks_per_bit + self.clks_per_bit / 2 - 1);
                    self.bit = 0;
                    self.byte = 0;
                }
                None
            }
            Some(0) => {
                if self.bit < 8 {
                    self.byte |= (tx as u8) << self.bit;
                    self.bit += 1;
                    self.countdown = Some(self.clks_per_bit - 1);
                    None
                } else {
                    self.countdown = None;
                    if tx {
                        Some(self.byte)
                    } else {
                        self.framing_errors += 1;
                        None
                    }
                }
            }
            Some(n) => {
                self.countdown = Some(n - 1);
                None
            }
        }
    }
}

/// One status line: `TLB sec=... tr=... ... err=... PASS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusLine {
    pub fields: BTreeMap<String, u32>,
    pub pass: bool,
}

/// A status line that does not parse (each with the line).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusLineError {
    #[error("status line does not start with TLB: {0:?}")]
    NoPrefix(String),
    #[error("field {key}={value:?}: {error} in {line:?}")]
    Field { key: String, value: String, error: std::num::ParseIntError, line: String },
    #[error("unexpected word {word:?} in status line {line:?}")]
    Word { word: String, line: String },
    #[error("status line lacks {key}=: {line:?}")]
    Lacks { key: &'static str, line: String },
    #[error("status line lacks PASS/FAIL: {0:?}")]
    NoVerdict(String),
}

impl StatusLine {
    /// The field names, in line order.
    pub const FIELDS: [&'static str; 10] = ["sec", "tr", "hit", "flt", "sd", "tgt", "skp", "log", "ful", "err"];

    pub fn parse(line: &str) -> Result<StatusLine, StatusLineError> {
        let mut words = line.split_whitespace();
        if words.next() != Some("TLB") {
            return Err(StatusLineError::NoPrefix(line.to_string()));
        }
        let mut fields = BTreeMap::new();
        let mut verdict = None;
        for w in words {
            if let Some((k, v)) = w.split_once('=') {
                let n = u32::from_str_radix(v, 16).map_err(|e| StatusLineError::Field {
                    key: k.to_string(),
                    value: v.to_string(),
                    error: e,
                    line: line.to_string(),
                })?;
                fields.insert(k.to_string(), n);
            } else if verdict.is_none() && (w == "PASS" || w == "FAIL") {
                verdict = Some(w == "PASS");
            } else {
                return Err(StatusLineError::Word { word: w.to_string(), line: line.to_string() });
            }
        }
        for k in Self::FIELDS {
            if !fields.contains_key(k) {
                return Err(StatusLineError::Lacks { key: k, line: line.to_string() });
            }
        }
        let pass = verdict.ok_or_else(|| StatusLineError::NoVerdict(line.to_string()))?;
        Ok(StatusLine { fields, pass })
    }

    pub fn get(&self, k: &str) -> u32 {
        self.fields[k]
    }
}

/// The Verilated self-test and its UART receiver.
pub struct SelfTest {
    top: RtlTop,
    cfg: SelfTestConfig,
    uart: UartRx,
    line: Vec<u8>,
    lines: Vec<String>,
    words: Vec<u32>,
}

impl SelfTest {
    pub fn new(cfg: SelfTestConfig) -> Result<SelfTest, Error> {
        Self::open(cfg, None)
    }

    /// The same, dumping every signal to a VCD.
    pub fn new_traced(cfg: SelfTestConfig, vcd: &std::path::Path) -> Result<SelfTest, Error> {
        Self::open(cfg, Some(vcd))
    }

    fn open(cfg: SelfTestConfig, vcd: Option<&std::path::Path>) -> Result<SelfTest, Error> {
        if !(2..=16).contains(&cfg.cores) {
            return Err(ConfigError::SelfTestCores(cfg.cores).into());
        }
        crate::check_entries(cfg.entries)?;
        crate::check_hit_latency(cfg.hit_latency)?;
        if cfg.clks_per_bit < 2 || cfg.status_cycles < 2 {
            return Err(ConfigError::SelfTestTiming.into());
        }
        let top = match vcd {
            None => RtlTop::new(&cfg.spec())?,
            Some(path) => RtlTop::new_traced(&cfg.spec(), path)?,
        };
        Ok(SelfTest {
            top,
            cfg,
            uart: UartRx::new(cfg.clks_per_bit),
            line: Vec::new(),
            lines: Vec::new(),
            words: vec![0],
        })
    }

    pub fn config(&self) -> SelfTestConfig {
        self.cfg
    }

    pub fn outputs(&self) -> SelfTestOutputs {
        let words = self.top.read_words();
        let v = unpack(words, OUTPUTS.map(|(_, w)| w));
        SelfTestOutputs {
            uart_tx: v[0] != 0,
            led_heartbeat: v[1] != 0,
            led_pass: v[2] != 0,
            led_fail: v[3] != 0,
            checks: v[4] as u32,
            hits: v[5] as u32,
            faults: v[6] as u32,
            shootdowns: v[7] as u32,
            fails: v[8] as u32,
            fail_info: FailInfo(v[9] as u32),
        }
    }

    /// One clock cycle with the debug fault input at `fault`; returns the outputs after it.
    pub fn step(&mut self, fault: bool) -> SelfTestOutputs {
        pack([(1, fault as u64)], &mut self.words);
        self.top.step_words(&self.words);
        let out = self.outputs();
        if let Some(b) = self.uart.sample(out.uart_tx) {
            if b == b'\n' {
                let text = String::from_utf8_lossy(&self.line).trim_end_matches('\r').to_string();
                self.lines.push(text);
                self.line.clear();
            } else {
                self.line.push(b);
            }
        }
        out
    }

    /// Complete UART lines received since the last call.
    pub fn take_lines(&mut self) -> Vec<String> {
        std::mem::take(&mut self.lines)
    }

    /// Stops the VCD of a traced self-test (the file is complete).
    pub fn close_vcd(&mut self) {
        self.top.close_vcd();
    }

    /// Bytes with a bad stop bit so far.
    pub fn framing_errors(&self) -> u32 {
        self.uart.framing_errors
    }
}
