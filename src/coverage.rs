// SPDX-License-Identifier: Apache-2.0
//! `tlbsim coverage`: merges the Verilator coverage files of a coverage run
//! (`scripts/coverage.sh`, `TLB_COVERAGE`), summarises line, toggle and functional
//! (`cover property`) coverage of `rtl/`, lists what was never hit (with the waivers that
//! explain unreachable items), and writes a merged data file and annotated sources.
//!
//! A point counts once per source item, whatever the instance: a line is covered if any
//! core (or any configuration) ran it, a bit has toggled if it toggled in any instance.
//! (Verilator itself merges the instances of a module with the same parameters when it
//! writes its counts; this merges across parameters too: `tlb_core__E8` is `tlb_core`.)

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Serialize;

#[derive(clap::Args)]
pub struct CoverageArgs {
    /// Folder of `.dat` files written by a coverage run (TLB_COVERAGE).
    #[arg(long, default_value = "target/coverage/data")]
    data: PathBuf,
    /// Where the merged data, the summary and the annotated sources go.
    #[arg(long, default_value = "target/coverage/report")]
    out: PathBuf,
    /// Waivers: items that cannot be reached, each with its reason.
    #[arg(long, default_value = "rtl/coverage-waivers.txt")]
    waivers: PathBuf,
    /// Fail (exit 1) unless line and toggle coverage reach these percentages (after
    /// waivers) and every functional cover not waived was hit.
    #[arg(long)]
    check: bool,
    #[arg(long, default_value_t = 90.0)]
    min_line: f64,
    #[arg(long, default_value_t = 90.0)]
    min_toggle: f64,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// The kind of a coverage point, from its `page` (`v_line/...`, `v_toggle/...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Line,
    Toggle,
    User,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Line => "line",
            Kind::Toggle => "toggle",
            Kind::User => "user",
        }
    }
}

/// A source item: the same in every instance.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    kind: Kind,
    file: String,
    line: u32,
    column: String,
    /// `o`: the statement kind, the toggled bit and direction, or the cover's label.
    name: String,
    /// The module.
    scope: String,
}

impl Item {
    fn describe(&self) -> String {
        match self.kind {
            Kind::User => self.cover_name(),
            _ => format!("{}:{} {} ({})", self.file, self.line, self.name, self.scope),
        }
    }

    /// `tlb_directory.PostSkips_InvAsid_C`: the module and the label.
    fn cover_name(&self) -> String {
        format!("{}.{}", self.scope, self.name)
    }
}

/// One line of a Verilator coverage file: `C '<key>' <count>`, the key a list of
/// `\x01name\x02value` pairs.
fn parse_point(line: &str) -> Option<(BTreeMap<&str, &str>, u64)> {
    let rest = line.strip_prefix("C '")?;
    let (key, count) = rest.rsplit_once("' ")?;
    let count = count.trim().parse().ok()?;
    let mut fields = BTreeMap::new();
    for pair in key.split('\x01').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('\x02')?;
        fields.insert(k, v);
    }
    Some((fields, count))
}

fn item_of(fields: &BTreeMap<&str, &str>) -> Option<Item> {
    let page = fields.get("page")?;
    let kind = if page.starts_with("v_toggle") {
        Kind::Toggle
    } else if page.starts_with("v_user") {
        Kind::User
    } else if page.starts_with("v_line") || page.starts_with("v_branch") {
        Kind::Line
    } else {
        return None;
    };
    // Verilator names a module built with other parameters `tlb_core__E8`, `tlb_agent__I1`.
    let module = page.split_once('/').map_or("", |(_, m)| m);
    let module = module.split_once("__").map_or(module, |(m, _)| m);
    let file = fields.get("f")?;
    let file = Path::new(file).file_name()?.to_string_lossy().into_owned();
    let scope = module.to_string();
    Some(Item {
        kind,
        file,
        line: fields.get("l")?.parse().ok()?,
        column: fields.get("n").copied().unwrap_or("").to_string(),
        name: fields.get("o").copied().unwrap_or("").to_string(),
        scope,
    })
}

/// A waiver: items of `kind` in files matching `file` whose name matches `item`.
struct Waiver {
    kind: Kind,
    file: Regex,
    item: Regex,
    reason: String,
    line: usize,
}

/// Reads the waiver file: `kind file-regex item-regex | reason` a line, `#` comments.
fn read_waivers(path: &Path) -> Result<Vec<Waiver>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the waivers {}: {e}", path.display()))?;
    let mut waivers = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |msg: &str| format!("{}:{}: {msg}: {raw}", path.display(), n + 1);
        // ` | ` (with its spaces) ends the patterns, which may use `|` themselves.
        let (spec, reason) = line.split_once(" | ").ok_or_else(|| at("no ` | reason`"))?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(at("empty reason"));
        }
        let words: Vec<&str> = spec.split_whitespace().collect();
        let [kind, file, item] = words[..] else {
            return Err(at("expected `kind file-regex item-regex | reason`"));
        };
        let kind = match kind {
            "line" => Kind::Line,
            "toggle" => Kind::Toggle,
            "user" => Kind::User,
            _ => return Err(at("kind must be line, toggle or user")),
        };
        let re = |s: &str| Regex::new(&format!("^(?:{s})$")).map_err(|e| at(&format!("bad regex: {e}")));
        waivers.push(Waiver { kind, file: re(file)?, item: re(item)?, reason: reason.to_string(), line: n + 1 });
    }
    Ok(waivers)
}

impl Waiver {
    fn matches(&self, item: &Item) -> bool {
        let name = if item.kind == Kind::User { item.cover_name() } else { item.name.clone() };
        // The file pattern may name a line (`tlb_core.sv:227`): line points are named by
        // their kind only (`case`, `else`), so one unreachable arm is waived by its place.
        let place = format!("{}:{}", item.file, item.line);
        self.kind == item.kind
            && (self.file.is_match(&item.file) || self.file.is_match(&place))
            && self.item.is_match(&name)
    }
}

#[derive(Default, Serialize)]
struct Tally {
    points: usize,
    hit: usize,
    waived: usize,
}

impl Tally {
    /// Covered share of the points not waived, in percent.
    fn percent(&self) -> f64 {
        let n = self.points - self.waived;
        if n == 0 {
            100.0
        } else {
            100.0 * self.hit as f64 / n as f64
        }
    }
}

#[derive(Serialize)]
struct Summary {
    files_read: usize,
    line: Tally,
    toggle: Tally,
    user: Tally,
    per_file: BTreeMap<String, BTreeMap<&'static str, (usize, usize)>>,
    covers: Vec<(String, u64)>,
    missed: BTreeMap<&'static str, Vec<String>>,
    waived: Vec<(String, String)>,
    unused_waivers: Vec<usize>,
}

/// Runs `tlbsim coverage`.
pub fn run(args: &CoverageArgs) -> Result<bool, String> {
    use tlb_harness::toolchain::{from_root, repo_root};
    let root = repo_root();
    let (data, out, waivers_path) = (from_root(&args.data), from_root(&args.out), from_root(&args.waivers));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&data)
        .map_err(|e| format!("cannot read {}: {e} (run scripts/coverage.sh first)", data.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "dat"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no .dat files in {} (run scripts/coverage.sh first)", data.display()));
    }
    let waivers = read_waivers(&waivers_path)?;

    // Merge: every point by its full key (for the merged file), every item across instances.
    let mut merged: BTreeMap<String, u64> = BTreeMap::new();
    let mut items: BTreeMap<Item, u64> = BTreeMap::new();
    let rtl_files: BTreeSet<String> = tlb_harness::rtl::rtl_sources()
        .iter()
        .filter_map(|s| Path::new(s).file_name().map(|f| f.to_string_lossy().into_owned()))
        .collect();
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (fields, count) = parse_point(line)
                .ok_or_else(|| format!("{}:{}: not a coverage point: {line:.80}", file.display(), n + 1))?;
            let key = line.rsplit_once("' ").map_or(line, |(k, _)| k);
            *merged.entry(key.to_string()).or_default() += count;
            if let Some(item) = item_of(&fields) {
                if rtl_files.contains(&item.file) {
                    *items.entry(item).or_default() += count;
                }
            }
        }
    }

    let mut summary = Summary {
        files_read: files.len(),
        line: Tally::default(),
        toggle: Tally::default(),
        user: Tally::default(),
        per_file: BTreeMap::new(),
        covers: Vec::new(),
        missed: BTreeMap::new(),
        waived: Vec::new(),
        unused_waivers: Vec::new(),
    };
    let mut used = vec![false; waivers.len()];
    for (item, &count) in &items {
        let tally = match item.kind {
            Kind::Line => &mut summary.line,
            Kind::Toggle => &mut summary.toggle,
            Kind::User => &mut summary.user,
        };
        tally.points += 1;
        let per = summary.per_file.entry(item.file.clone()).or_default().entry(item.kind.name()).or_default();
        per.0 += 1;
        if item.kind == Kind::User {
            summary.covers.push((item.cover_name(), count));
        }
        let waiver = waivers.iter().position(|w| w.matches(item));
        if count > 0 {
            tally.hit += 1;
            per.1 += 1;
        } else if let Some(w) = waiver {
            tally.waived += 1;
            used[w] = true;
            summary.waived.push((item.describe(), waivers[w].reason.clone()));
        } else {
            summary.missed.entry(item.kind.name()).or_default().push(item.describe());
        }
    }
    summary.unused_waivers = waivers.iter().zip(&used).filter(|(_, u)| !**u).map(|(w, _)| w.line).collect();

    std::fs::create_dir_all(out.join("annotated")).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut merged_text = String::from("# SystemC::Coverage-3\n");
    for (key, count) in &merged {
        let _ = writeln!(merged_text, "{key}' {count}");
    }
    write(&out.join("merged.dat"), &merged_text)?;
    annotate(&root, &items, &out.join("annotated"))?;

    let ok = summary.line.percent() >= args.min_line
        && summary.toggle.percent() >= args.min_toggle
        && !summary.missed.contains_key("user");
    let report = if args.json {
        serde_json::to_string_pretty(&summary).expect("serialisable")
    } else {
        text_report(&summary, args, &out)
    };
    write(&out.join(if args.json { "summary.json" } else { "summary.txt" }), &report)?;
    println!("{report}");
    Ok(!args.check || ok)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn text_report(s: &Summary, args: &CoverageArgs, out: &Path) -> String {
    let mut r = String::new();
    let _ = writeln!(r, "coverage of rtl/ over {} data files", s.files_read);
    let _ = writeln!(r, "{:<8} {:>7} {:>7} {:>7} {:>8}  goal", "kind", "points", "hit", "waived", "covered");
    for (name, t, goal) in
        [("line", &s.line, Some(args.min_line)), ("toggle", &s.toggle, Some(args.min_toggle)), ("user", &s.user, None)]
    {
        let goal = match goal {
            Some(g) => format!("{g:.0} % {}", if t.percent() >= g { "met" } else { "NOT met" }),
            None => (if t.hit + t.waived == t.points { "every cover hit" } else { "NOT every cover hit" }).to_string(),
        };
        let _ = writeln!(r, "{name:<8} {:>7} {:>7} {:>7} {:>7.1}%  {goal}", t.points, t.hit, t.waived, t.percent());
    }
    let _ = writeln!(r, "\nper file (hit/points):");
    for (file, kinds) in &s.per_file {
        let cell = |k: &str| kinds.get(k).map_or("-".to_string(), |(p, h)| format!("{h}/{p}"));
        let _ = writeln!(
            r,
            "  {file:<20} line {:>11}  toggle {:>11}  user {:>9}",
            cell("line"),
            cell("toggle"),
            cell("user")
        );
    }
    let _ = writeln!(r, "\nfunctional covers (hits):");
    for (name, count) in &s.covers {
        let _ = writeln!(r, "  {count:>10}  {name}");
    }
    for (kind, list) in &s.missed {
        let _ = writeln!(r, "\nnever hit, not waived ({kind}, {}):", list.len());
        for item in list.iter().take(200) {
            let _ = writeln!(r, "  {item}");
        }
        if list.len() > 200 {
            let _ = writeln!(r, "  ... {} more in {}", list.len() - 200, out.join("annotated").display());
        }
    }
    if !s.waived.is_empty() {
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, reason) in &s.waived {
            *by_reason.entry(reason).or_default() += 1;
        }
        let _ = writeln!(r, "\nwaived as unreachable ({}):", s.waived.len());
        for (reason, n) in by_reason {
            let _ = writeln!(r, "  {n:>6}  {reason}");
        }
    }
    if !s.unused_waivers.is_empty() {
        let _ = writeln!(
            r,
            "\nwaivers that matched nothing missed (lines of {}): {:?}",
            args.waivers.display(),
            s.unused_waivers
        );
    }
    let _ = write!(
        r,
        "\nmerged data: {}\nannotated sources: {}",
        out.join("merged.dat").display(),
        out.join("annotated").display()
    );
    r
}

/// Writes each rtl/ source with its line counts in front (`%000000` where a line point was
/// never hit), and under each declaration the bits that never toggled.
fn annotate(root: &Path, items: &BTreeMap<Item, u64>, dir: &Path) -> Result<(), String> {
    for src in tlb_harness::rtl::rtl_sources() {
        let path = root.join(src);
        let name = path.file_name().expect("a file").to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let mut lines: BTreeMap<u32, (u64, bool)> = BTreeMap::new();
        let mut untoggled: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
        let mut covers: BTreeMap<u32, Vec<(String, u64)>> = BTreeMap::new();
        for (item, &count) in items.iter().filter(|(i, _)| i.file == name) {
            match item.kind {
                Kind::Line => {
                    let e = lines.entry(item.line).or_insert((u64::MAX, false));
                    e.0 = e.0.min(count);
                    e.1 |= count == 0;
                }
                Kind::Toggle if count == 0 => untoggled.entry(item.line).or_default().push(&item.name),
                Kind::Toggle => {}
                Kind::User => covers.entry(item.line).or_default().push((item.cover_name(), count)),
            }
        }
        let mut out = String::new();
        for (n, line) in text.lines().enumerate() {
            let n = n as u32 + 1;
            match lines.get(&n) {
                Some(&(min, missed)) => {
                    let _ = writeln!(out, "{}{:06} {line}", if missed { '%' } else { ' ' }, min);
                }
                None => {
                    let _ = writeln!(out, "        {line}");
                }
            }
            for (cover, count) in covers.get(&n).into_iter().flatten() {
                let _ = writeln!(out, "{}{count:06}   ^ cover {cover}", if *count == 0 { '%' } else { ' ' });
            }
            if let Some(bits) = untoggled.get(&n) {
                let shown: Vec<&str> = bits.iter().take(12).copied().collect();
                let more = if bits.len() > 12 { format!(" ... ({} in all)", bits.len()) } else { String::new() };
                let _ = writeln!(out, "%        ^ never toggled: {}{more}", shown.join(" "));
            }
        }
        write(&dir.join(format!("{name}.cov")), &out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_verilator_point() {
        let line = "C '\x01f\x02rtl/tlb_l1.sv\x01l\x0264\x01n\x022\x01t\x02toggle\x01page\x02v_toggle/tlb_l1\x01o\x02hit[0]:0->1\x01h\x02TOP.x.gen_core[1].u_core.u_l1' 17";
        let (fields, count) = parse_point(line).expect("parses");
        assert_eq!(count, 17);
        let item = item_of(&fields).expect("an item");
        assert_eq!(item.kind, Kind::Toggle);
        assert_eq!((item.file.as_str(), item.line, item.name.as_str()), ("tlb_l1.sv", 64, "hit[0]:0->1"));
        assert_eq!(item.scope, "tlb_l1", "instances merge: the hierarchy is not part of the item");
        assert!(parse_point("C 'broken").is_none());
    }

    #[test]
    fn modules_with_other_parameters_are_one_module() {
        let line = "C '\x01f\x02tlb_agent.sv\x01l\x02200\x01page\x02v_user/tlb_agent__I3\x01o\x02AckWhileSyncing_C\x01h\x02TOP.x.u_sys.gen_core[3].u_agent' 0";
        let (fields, _) = parse_point(line).unwrap();
        let item = item_of(&fields).unwrap();
        assert_eq!(item.cover_name(), "tlb_agent.AckWhileSyncing_C");
    }

    #[test]
    fn waivers_need_a_reason_and_a_known_kind() {
        let dir = std::env::temp_dir().join(format!("tlbsim-waivers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = [
            ("nokind x y | r", "kind must be"),
            ("line x y", "no ` | reason`"),
            ("line x | r", "expected"),
            ("line x ( | r", "bad regex"),
            ("line x y | ", "no ` | reason`"),
        ];
        for (text, want) in bad {
            let p = dir.join("w.txt");
            std::fs::write(&p, format!("# comment\n{text}\n")).unwrap();
            let err = read_waivers(&p).err().expect("refused");
            assert!(err.contains(want) && err.contains("w.txt:2"), "{text}: {err}");
        }
        let p = dir.join("ok.txt");
        std::fs::write(&p, "user tlb_directory.sv .*PostSkips_Inv(All|Va)_C | every core is a target\n").unwrap();
        let w = read_waivers(&p).unwrap();
        let item = Item {
            kind: Kind::User,
            file: "tlb_directory.sv".into(),
            line: 1,
            column: String::new(),
            name: "PostSkips_InvAll_C".into(),
            scope: "tlb_directory".into(),
        };
        assert!(w[0].matches(&item));
        std::fs::write(&p, "line tlb_core.sv:227 case | unreachable state\n").unwrap();
        let w = read_waivers(&p).unwrap();
        let arm = |line| Item {
            kind: Kind::Line,
            file: "tlb_core.sv".into(),
            line,
            column: String::new(),
            name: "case".into(),
            scope: "tlb_core".into(),
        };
        assert!(w[0].matches(&arm(227)) && !w[0].matches(&arm(228)), "a line waiver names one line");
        let _ = std::fs::remove_dir_all(dir);
    }
}
