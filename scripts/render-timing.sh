#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Renders docs/timing/*.json (WaveDrom) to SVG beside them. The JSON files are the source;
# sim/tests/timing_diagrams.rs checks them against the model.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup-tools.sh"
for f in "$root"/docs/timing/*.json; do
  "$root/.tools/venv/bin/yowasp-wavedrom" "$f" "${f%.json}.svg"
done
echo "rendered $(ls "$root"/docs/timing/*.json | wc -l) diagrams"
