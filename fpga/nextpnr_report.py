"""What fpga/build.sh and fpga/timing.sh read from nextpnr-ecp5's --report JSON."""
import json

KINDS = ("TRELLIS_COMB", "TRELLIS_FF", "DP16KD", "MULT18X18D")  # LUT4, FF, BRAM, DSP


def read(path, ignore_clock=None):
    """(worst achieved Fmax in MHz over the clocks, {kind: (used, available)})."""
    r = json.load(open(path))
    fmax = min(v["achieved"] for k, v in r["fmax"].items() if not (ignore_clock and ignore_clock in k))
    u = r["utilization"]
    return fmax, {k: (u[k]["used"], u[k]["available"]) if k in u else (0, 0) for k in KINDS}


def use_line(use):
    """'LUT4 a/b  FF c/d  BRAM e/f  DSP g/h' (a kind the device lacks reads 0)."""
    def one(k):
        used, avail = use[k]
        return f"{used}/{avail}" if avail else "0"
    return f"LUT4 {one('TRELLIS_COMB')}  FF {one('TRELLIS_FF')}  BRAM {one('DP16KD')}  DSP {one('MULT18X18D')}"
