fpga/selftest/tlb_uart_tx.sv
fpga/selftest/tlb_selftest.sv
fpga/selftest/tlb_reset_sync.sv
fpga/selftest/tlb_sync.sv
