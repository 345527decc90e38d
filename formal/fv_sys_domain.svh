// SPDX-License-Identifier: Apache-2.0
// Optional (FV_SMALL_DOMAIN) restriction of the command operands, to let BMC go deeper: the
// fabric's decisions depend on operands only through equality of ASIDs (and the ASID-table
// range check), so a few values suffice to exercise every case. ASIDs 0..NumAsids (the last
// one is out of the table: refused), 4 distinct VPNs, npages 0 or 1, root 0 or 1.
// An under-approximation: only used with BMC, and stated next to every result that uses it.
`ifdef FV_SMALL_DOMAIN
  for (genvar c = 0; c < NumCores; c++) begin : gen_domain
    always_comb begin
      assume (cmd_asid_i[c] <= AsidW'(NumAsids));
      assume (cmd_vaddr_i[c][38:14] == '0);
      assume (cmd_npages_i[c] <= NpagesW'(1));
      assume (cmd_root_i[c] <= PpnW'(1));
    end
  end
`endif
