# SPDX-License-Identifier: Apache-2.0
"""Logic depth of a synthesized ECP5 netlist, per register: which flip-flops sit behind the
deepest logic, and where that logic starts. A map before place and route, not a timing
report: on these designs a path costs about 1.5 ns per cell, nearly all of it routing
(docs/fpga.md), so the number of cells between two registers is what decides.

    python3 fpga/logic_depth.py out/fpga/<run>/top.json [--top N] [--min LEVELS]
                                [--path GROUP]

--path lists the cells of the deepest path into one register group (a name as the table
prints it, or a part of one): each cell with its type, its level, the net it drives and the
RTL line synthesis left on it, from the start register to the group's input.

Levels: a LUT4, a CCU2C's first bit, or a LUT RAM's asynchronous read count 1; a PFUMX or
L6MUX21 (the slice's wide-LUT muxes) 0.25; a carry from one CCU2C to the next 0.05.
Registers are named as fpga/nextpnr_report.py names them (register_name): by the net they
drive when synthesis kept it, otherwise by the RTL line of the always_ff block that made them.
"""
import argparse
import collections
import json
import re
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nextpnr_report import largest_module, net_names, register_name  # noqa: E402

sys.setrecursionlimit(100000)

# (cell type, input port prefix, output port) -> levels added.
COST = {"LUT4": 1.0, "PFUMX": 0.25, "L6MUX21": 0.25, "TRELLIS_DPR16X4": 1.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netlist")
    ap.add_argument("--top", type=int, default=20, help="register groups to list (20)")
    ap.add_argument("--min", type=float, default=0.0, help="only depths of at least this")
    ap.add_argument("--path", help="list the deepest path into this register group")
    ap.add_argument("--inputs", action="store_true",
                    help="with --path: under each cell, every input's depth and the register "
                         "its deepest path starts from (what else feeds the path at that level)")
    a = ap.parse_args()
    try:
        top = json.load(open(a.netlist))
    except (OSError, ValueError) as e:
        sys.exit(f"logic_depth: cannot read {a.netlist}: {e}")
    mod = largest_module(top)
    cells = mod["cells"]
    names = net_names(mod)

    driver = {}  # net bit -> (cell, output port)
    for cn, c in cells.items():
        for p, bits in c["connections"].items():
            if c["port_directions"].get(p) == "output":
                for b in bits:
                    if isinstance(b, int):
                        driver[b] = (cn, p)

    def reg_name(cn):
        return register_name(cells[cn], names) or cn

    memo = {}
    prev = {}  # net bit -> the input bit its deepest path comes through

    def arrival(bit):
        """(levels, start) of the deepest path ending at net bit."""
        if bit not in driver:
            return 0.0, names.get(bit, "an input")
        if bit in memo:
            return memo[bit]
        memo[bit] = (0.0, "a loop")
        cn, port = driver[bit]
        c = cells[cn]
        t = c["type"]
        if t == "TRELLIS_FF":
            r = (0.0, reg_name(cn))
        elif t == "CCU2C":
            best = (0.0, "?")
            for p, bits in c["connections"].items():
                if c["port_directions"].get(p) != "input":
                    continue
                for b in bits:
                    if not isinstance(b, int):
                        continue
                    lv, st = arrival(b)
                    lv += 0.05 if p == "CIN" else 1.0
                    if lv > best[0]:
                        best = (lv, st)
                        prev[bit] = b
            r = best
        else:
            cost = COST.get(t, 1.0)
            best = (0.0, "?")
            ins = ["RAD"] if t == "TRELLIS_DPR16X4" else [
                p for p, d in c["port_directions"].items() if d == "input"]
            for p in ins:
                for b in c["connections"].get(p, []):
                    if isinstance(b, int):
                        lv, st = arrival(b)
                        if lv + cost > best[0]:
                            best = (lv + cost, st)
                            prev[bit] = b
            r = best
        memo[bit] = r
        return r

    groups = collections.defaultdict(lambda: (0.0, "", 0))
    deepest_bit = {}  # group -> the net bit of its deepest input
    for cn, c in cells.items():
        if c["type"] != "TRELLIS_FF":
            continue
        name = reg_name(cn)
        # The register without its bit index: gen_core[2].u_core.kill_q[5] groups as
        # gen_core[2].u_core.kill_q (a generate loop's instances stay apart).
        group = re.sub(r"\[[^\]]*\]$", "", name)
        for p in ("DI", "CE", "LSR"):
            for b in c["connections"].get(p, []):
                if isinstance(b, int):
                    lv, st = arrival(b)
                    d, _, n = groups[group]
                    if lv > d:
                        groups[group] = (lv, f"{p} from {st}", n)
                        deepest_bit[group] = b
        d, s, n = groups[group]
        groups[group] = (d, s, n + 1)
    if a.path:
        match = [g for g in groups if g == a.path] or sorted(
            (g for g in groups if a.path in g), key=lambda g: -groups[g][0])
        if not match:
            sys.exit(f"logic_depth: no register group matches '{a.path}'")
        g = match[0]
        chain = []
        b = deepest_bit.get(g)
        while b is not None and b in driver:
            chain.append(b)
            if cells[driver[b][0]]["type"] == "TRELLIS_FF":
                break
            b = prev.get(b)
        print(f"deepest path into {g}: {groups[g][0]:.2f} levels ({groups[g][1]})")
        for b in reversed(chain):
            cn, port = driver[b]
            c = cells[cn]
            src = c.get("attributes", {}).get("src", "")
            src = ",".join(sorted({x.split(":")[0].rsplit("/", 1)[-1] + ":" + x.split(":")[1].split(".")[0]
                                   for x in src.split("|") if x.count(":") >= 1}))
            lv = memo.get(b, (0.0,))[0] if c["type"] != "TRELLIS_FF" else 0.0
            print(f"  {lv:6.2f}  {c['type']:<16} {names.get(b, '(unnamed net)')}  {src}")
            if a.inputs and c["type"] != "TRELLIS_FF":
                for p, d in sorted(c["port_directions"].items()):
                    if d != "input":
                        continue
                    for ib in c["connections"].get(p, []):
                        if isinstance(ib, int):
                            ilv, ist = arrival(ib)
                            print(f"{'':12}{p:<5} {ilv:5.2f} from {ist}")
        return
    rows = sorted(((d, g, s, n) for g, (d, s, n) in groups.items() if d >= a.min), reverse=True)
    print(f"{'levels':>6}  {'registers':>9}  register group (deepest input from)")
    for d, g, s, n in rows[:a.top]:
        print(f"{d:6.2f}  {n:9d}  {g}  ({s})")


if __name__ == "__main__":
    main()
