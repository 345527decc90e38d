fpga/selftest/tlb_uart_tx.sv
fpga/selftest/tlb_selftest.sv
