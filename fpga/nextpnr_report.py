"""What fpga/build.sh and fpga/timing.sh read from nextpnr-ecp5's --report JSON."""
import json

# LUT4 (LUT RAM's included), FF, LUT RAM (a 16x4 distributed RAM's write port), BRAM, DSP
KINDS = ("TRELLIS_COMB", "TRELLIS_FF", "TRELLIS_RAMW", "DP16KD", "MULT18X18D")


def read(path, ignore_clock=None):
    """(worst achieved Fmax in MHz over the clocks, {kind: (used, available)})."""
    r = json.load(open(path))
    fmax = min(v["achieved"] for k, v in r["fmax"].items() if not (ignore_clock and ignore_clock in k))
    u = r["utilization"]
    return fmax, {k: (u[k]["used"], u[k]["available"]) if k in u else (0, 0) for k in KINDS}


def use_line(use):
    """'LUT4 a/b  FF c/d  LUTRAM r  BRAM e/f  DSP g/h' (a kind the device lacks reads 0;
    LUTRAM counts 16x4 RAMs, each also using two of the LUT4 cells counted)."""
    def one(k):
        used, avail = use[k]
        return f"{used}/{avail}" if avail else "0"
    return (f"LUT4 {one('TRELLIS_COMB')}  FF {one('TRELLIS_FF')}  LUTRAM {use['TRELLIS_RAMW'][0]}  "
            f"BRAM {one('DP16KD')}  DSP {one('MULT18X18D')}")


def _register_names(netlist_path):
    """{cell name: register name} for the flip-flops of the netlist's largest module whose
    output (or, failing that, input) net kept a source name (none start with '$')."""
    top = json.load(open(netlist_path))
    mod = max(top["modules"].values(), key=lambda m: len(m.get("cells", {})))
    names = {}
    for net, d in mod["netnames"].items():
        if net.startswith("$"):
            continue
        for i, b in enumerate(d["bits"]):
            if isinstance(b, int):
                names.setdefault(b, net if len(d["bits"]) == 1 else f"{net}[{i}]")
    regs = {}
    for cell, c in mod["cells"].items():
        if c["type"] != "TRELLIS_FF":
            continue
        for port in ("Q", "DI"):
            hit = [names[b] for b in c["connections"].get(port, []) if b in names]
            if hit:
                regs[cell] = hit[0]
                break
        else:
            # No name survived: the source line of the always_ff block that made it.
            src = [s for s in c.get("attributes", {}).get("src", "").split("|")
                   if s and not s.startswith("/")]
            if src:
                regs[cell] = "a register of " + src[0].rsplit(".", 1)[0]
    return regs


def critical_path(report_path, netlist_path):
    """One line on the worst path: its length, logic and routing, the longest hop, and the
    registers it starts and ends at (named if synthesis kept the names, fpga/timing.sh
    --keep-names; otherwise by the RTL line of the always_ff block that made them)."""
    r = json.load(open(report_path))
    paths = [p for p in r.get("critical_paths", []) if p.get("path")]
    if not paths:
        return "critical path: none reported"
    steps = max(paths, key=lambda p: sum(s["delay"] for s in p["path"]))["path"]
    total = sum(s["delay"] for s in steps)
    logic = sum(s["delay"] for s in steps if s["type"] == "logic")
    route = [s for s in steps if s["type"] == "routing"]
    hop = max(route, key=lambda s: s["delay"], default=None)
    regs = _register_names(netlist_path)
    start = regs.get(steps[0]["from"]["cell"], "an unnamed register")
    end = regs.get(steps[-1]["to"]["cell"], "an unnamed register")
    levels = sum(1 for s in steps if s["type"] == "logic" and s["delay"] > 0.1)
    line = (f"critical path {total:.1f} ns ({logic:.1f} logic, {total - logic:.1f} routing, "
            f"{levels} cells) from {start} to {end}")
    if hop:
        line += f"; longest hop {hop['delay']:.1f} ns"
    return line
