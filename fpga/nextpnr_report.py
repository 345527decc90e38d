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
