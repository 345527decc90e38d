# SPDX-License-Identifier: Apache-2.0
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


def largest_module(netlist):
    """The module of a yosys JSON netlist with the most cells (the flattened top)."""
    return max(netlist["modules"].values(), key=lambda m: len(m.get("cells", {})))


def net_names(mod):
    """{net bit: source name} for the nets whose name synthesis kept (none start with '$')."""
    names = {}
    for net, d in mod["netnames"].items():
        if net.startswith("$"):
            continue
        for i, b in enumerate(d["bits"]):
            if isinstance(b, int):
                names.setdefault(b, net if len(d["bits"]) == 1 else f"{net}[{i}]")
    return names


def register_name(cell, names):
    """A flip-flop's name: the net its output (or, failing that, input) drives if it kept a
    source name, else the RTL line of the always_ff block that made it; None if neither."""
    for port in ("Q", "DI"):
        hit = [names[b] for b in cell["connections"].get(port, []) if b in names]
        if hit:
            return hit[0]
    src = [s for s in cell.get("attributes", {}).get("src", "").split("|")
           if s and not s.startswith("/")]
    return "a register of " + src[0].rsplit(".", 1)[0] if src else None


def _register_names(netlist_path):
    """{cell name: register name} for the flip-flops of the netlist's largest module."""
    mod = largest_module(json.load(open(netlist_path)))
    names = net_names(mod)
    regs = {}
    for cell, c in mod["cells"].items():
        if c["type"] == "TRELLIS_FF":
            name = register_name(c, names)
            if name:
                regs[cell] = name
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
