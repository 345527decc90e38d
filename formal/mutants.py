#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Non-vacuity checks: break the RTL on purpose, in a copy, and show the proof fails.

Usage: python3 formal/mutants.py [name ...]   (from anywhere; needs formal/env.sh's tools)

Each mutant copies rtl/ to target/formal/broken/<name>/rtl/, applies one textual change
(which must match exactly once), points a copy of the proof's .sby file at the copy, runs
the named task and expects FAIL. rtl/ itself is never touched. Prints a table; exits 1 if a
mutant is not caught.
"""
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORMAL = os.path.join(ROOT, "formal")
BROKEN = os.path.join(ROOT, "target", "formal", "broken")

# name: (file, old, new, sby, task, what it breaks)
MUTANTS = {
    "no_poison": (
        "tlb_core.sv",
        "inval_overlap = inval_overlap && inv_valid_q && ptw_busy;",
        "inval_overlap = 1'b0;",
        "core_poison.sby", "bmc_nohelp",
        "walks are never poisoned (seed 004 broken)"),
    "no_global_drop": (
        "tlb_l1.sv",
        "(pr_way_asid_q[w] || install_entry_i.g);",
        "pr_way_asid_q[w];",
        "onehit.sby", "l1_bmc_nohelp",
        "install ignores the global bit when dropping overlapping entries"),
    "no_global_drop_core": (
        "tlb_l1.sv",
        "(pr_way_asid_q[w] || install_entry_i.g);",
        "pr_way_asid_q[w];",
        "onehit.sby", "core_bmc_nohelp",
        "same, found through tlb_core with walker-built entries"),
    "fill_accepts": (
        "tlb_core.sv",
        "assign req_ready_o = state_q == CoreIdle && !miss;",
        "assign req_ready_o = state_q != CoreWalk && !miss;",
        "onehit.sby", "premises_bmc",
        "the core accepts a request in its fill cycle: a lookup beside an install, against "
        "the premise the L1's one-hit proof assumes (NoLookupInInstall_A)"),
    "unrecorded_switch": (
        "tlb_directory.sv",
        "ctx_d[gnt_idx_q] = '{valid: 1'b1, asid: a, lazy: 1'b0};",
        "",
        "fabric.sby", "shoot_bmc",
        "the directory's context record misses the switches it decides (seed 000's bug: "
        "targets that miss a core running the ASID)"),
    "ack_early": (
        "tlb_agent.sv",
        "assign ack_o       = ack_q;",
        "assign ack_o       = targeted && bus_i.need_ack;",
        "fabric.sby", "bound_kind",
        "acknowledge in the cycle the message is on the bus, before it is applied"),
    "no_rr": (
        "tlb_directory.sv",
        "rr_d = CoreIdxW'((int'(grant_idx) + 1) % NumCores);",
        "rr_d = rr_q;",
        "fabric.sby", "bound3_kind",
        "round robin pointer never advances (fixed priority: starvation; 3 cores)"),
    "no_lag": (
        "tlb_directory.sv",
        "slot_lag_d[c][s] = slot_lag_q[c][s] + LagW'(1);",
        "slot_lag_d[c][s] = slot_lag_q[c][s];",
        "fabric.sby", "shoot_bmc",
        "skipped slots' lag not incremented (seed 001's bug)"),
    "no_catchup": (
        "tlb_directory.sv",
        "          dec.sw_log     = sw_ok && hit && lag != '0 && lag != LagFull;\n"
        "          dec.sw_replay  = dec.sw_log && lag != LagW'(1);\n"
        "          dec.sw_flush   = sw_ok && !(hit && lag != LagFull);",
        "          dec.sw_log     = 1'b0;\n"
        "          dec.sw_replay  = 1'b0;\n"
        "          dec.sw_flush   = sw_ok && !hit;",
        "fabric.sby", "shoot_bmc",
        "a lagging switch just loads the context (no log replay, no flush)"),
}


def run(name):
    fname, old, new, sby, task, what = MUTANTS[name]
    work = os.path.join(BROKEN, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copytree(os.path.join(ROOT, "rtl"), os.path.join(work, "rtl"))
    path = os.path.join(work, "rtl", fname)
    text = open(path).read()
    if text.count(old) != 1:
        return name, task, "STALE", 0.0, what + f" (pattern not found once in {fname})"
    open(path, "w").write(text.replace(old, new))
    # The .sby, with rtl/ pointing at the broken copy and formal files absolute.
    lines = []
    in_files = False
    for line in open(os.path.join(FORMAL, sby)).read().splitlines():
        if line.startswith("["):
            in_files = line.strip() == "[files]"
        elif in_files and line.strip() and not line.startswith("#"):
            f = line.strip()
            line = (os.path.join(work, "rtl", f[len("../rtl/"):]) if f.startswith("../rtl/")
                    else os.path.join(FORMAL, f))
        lines.append(line)
    job = os.path.join(work, "proof.sby")
    open(job, "w").write("\n".join(lines) + "\n")
    t0 = time.time()
    p = subprocess.run(["yowasp-sby", "-f", "-d", os.path.join(work, "run"), job, task],
                       cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    dt = time.time() - t0
    open(os.path.join(work, "sby.log"), "w").write(p.stdout)
    m = re.findall(r"DONE \((\w+)", p.stdout)
    status = m[-1] if m else "ERROR"
    failed = re.findall(r"failed assertion (\S+)", p.stdout)
    detail = what + (f"; fails {failed[0]}" if failed else "")
    return name, f"{sby}:{task}", status, dt, detail


# Run only when named: fixed-priority arbitration did not break the bound within the depth
# checked (each core has one command outstanding, so it leaves gaps), see README.md.
# no_global_drop_core: on the L1 in sets (fourteenth session) the core-level BMC of depth
# 14 does not reach a global and a private install of one page by two walks under two
# ASIDs; the L1-level no_global_drop catches the same break.
NOT_DEFAULT = {"no_rr", "no_global_drop_core"}


def main():
    names = sys.argv[1:] or [n for n in MUTANTS if n not in NOT_DEFAULT]
    rows = [run(n) for n in names]
    print(f"{'mutant':22} {'proof':24} {'result':8} {'secs':>6}  detail")
    bad = 0
    for name, proof, status, dt, detail in rows:
        caught = status == "FAIL"
        bad += not caught
        print(f"{name:22} {proof:24} {status + (' ok' if caught else ' !!'):8} {dt:6.0f}  {detail}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
