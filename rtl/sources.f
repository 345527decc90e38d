rtl/tlb_pkg.sv
rtl/tlb_plru.sv
rtl/tlb_l1.sv
rtl/tlb_ptw.sv
rtl/tlb_core.sv
rtl/tlb_agent.sv
rtl/tlb_directory.sv
rtl/tlb_system.sv
