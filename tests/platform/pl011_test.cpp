// PL011 register-level tests against the TRM (DDI 0183G): reset values, read-only,
// write-only and read/write behaviour, reserved bits, the TX interrupt and UARTINTR, driven
// through the model's TLM-2.0 b_transport as a bus or an MMIO exit does.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "platform/devices/pl011/pl011.h"

namespace {

using platform::Pl011;

struct Bus {
  Pl011 uart;
  std::string out;
  std::vector<bool> levels;
  Bus() {
    uart.tx = [this](char c) { out += c; };
    uart.intr = [this](bool l) { levels.push_back(l); };
  }
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t offset, uint32_t& v, unsigned len = 4) {
    tlm::tlm_generic_payload gp;
    uint64_t buf = v;
    gp.set_command(cmd);
    gp.set_address(offset);
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&buf));
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    sc_core::sc_time t = sc_core::SC_ZERO_TIME;
    uart.b_transport(gp, t);
    v = static_cast<uint32_t>(buf);
    return gp.get_response_status();
  }
  uint32_t rd(uint64_t offset) {
    uint32_t v = 0;
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, offset, v), tlm::TLM_OK_RESPONSE) << offset;
    return v;
  }
  void wr(uint64_t offset, uint32_t v) {
    EXPECT_EQ(access(tlm::TLM_WRITE_COMMAND, offset, v), tlm::TLM_OK_RESPONSE) << offset;
  }
};

TEST(Pl011, reset_values_are_the_trms) {
  Bus b;
  EXPECT_EQ(b.rd(Pl011::UARTDR), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTRSR_ECR), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTFR), Pl011::FR_TXFE | Pl011::FR_RXFE);  // 0x90: both FIFOs empty
  EXPECT_EQ(b.rd(Pl011::UARTILPR), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTIBRD), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTFBRD), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTLCR_H), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTCR), 0x300u);
  EXPECT_EQ(b.rd(Pl011::UARTIFLS), 0x12u);
  EXPECT_EQ(b.rd(Pl011::UARTIMSC), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTRIS), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTMIS), 0u);
  EXPECT_EQ(b.rd(Pl011::UARTDMACR), 0u);
}

TEST(Pl011, primecell_id_registers_identify_a_pl011) {
  Bus b;
  const uint32_t periph[4] = {0x11, 0x10, 0x34, 0x00}, cell[4] = {0x0D, 0xF0, 0x05, 0xB1};
  for (unsigned i = 0; i < 4; ++i) {
    EXPECT_EQ(b.rd(Pl011::UARTPeriphID0 + 4 * i), periph[i]) << i;
    EXPECT_EQ(b.rd(Pl011::UARTPCellID0 + 4 * i), cell[i]) << i;
  }
  // Linux's AMBA bus matches part number 0x011 from designer 0x41 (ARM).
  const uint32_t pid = b.rd(0xFE0) | b.rd(0xFE4) << 8 | b.rd(0xFE8) << 16 | b.rd(0xFEC) << 24;
  EXPECT_EQ(pid & 0x000FFFFF, 0x00041011u);
}

TEST(Pl011, rw_registers_keep_their_defined_bits_and_reserved_bits_read_zero) {
  Bus b;
  const struct { uint64_t off; uint32_t mask; } rw[] = {
      {Pl011::UARTILPR, 0xFF}, {Pl011::UARTIBRD, 0xFFFF}, {Pl011::UARTFBRD, 0x3F}, {Pl011::UARTLCR_H, 0xFF},
      {Pl011::UARTCR, 0xFF87}, {Pl011::UARTIFLS, 0x3F}, {Pl011::UARTIMSC, 0x7FF}, {Pl011::UARTDMACR, 0x7}};
  for (const auto& r : rw) {
    b.wr(r.off, 0xFFFFFFFF);
    EXPECT_EQ(b.rd(r.off), r.mask) << std::hex << r.off;
    b.wr(r.off, 0);
    EXPECT_EQ(b.rd(r.off), 0u) << std::hex << r.off;
  }
}

TEST(Pl011, ro_registers_ignore_writes_and_wo_icr_reads_zero) {
  Bus b;
  b.wr(Pl011::UARTFR, 0);
  EXPECT_EQ(b.rd(Pl011::UARTFR), 0x90u);
  b.wr(Pl011::UARTRIS, 0x7FF);
  EXPECT_EQ(b.rd(Pl011::UARTRIS), 0u);
  b.wr(Pl011::UARTMIS, 0x7FF);
  EXPECT_EQ(b.rd(Pl011::UARTMIS), 0u);
  b.wr(Pl011::UARTPeriphID0, 0);
  EXPECT_EQ(b.rd(Pl011::UARTPeriphID0), 0x11u);
  EXPECT_EQ(b.rd(Pl011::UARTICR), 0u);
  // Reserved offsets read as zero and ignore writes.
  b.wr(0x008, 0xFFFFFFFF);
  EXPECT_EQ(b.rd(0x008), 0u);
  EXPECT_EQ(b.rd(0x800), 0u);
}

TEST(Pl011, data_is_sent_only_while_uarten_and_txe_are_set) {
  Bus b;
  b.wr(Pl011::UARTDR, 'a');  // reset: UARTEN clear
  EXPECT_EQ(b.out, "");
  b.wr(Pl011::UARTCR, Pl011::CR_UARTEN);  // TXE clear
  b.wr(Pl011::UARTDR, 'b');
  EXPECT_EQ(b.out, "");
  b.wr(Pl011::UARTCR, Pl011::CR_UARTEN | Pl011::CR_TXE);
  b.wr(Pl011::UARTDR, 0x100 | 'c');  // only bits 7:0 are data
  EXPECT_EQ(b.out, "c");
  b.wr(Pl011::UARTCR, Pl011::CR_UARTEN | Pl011::CR_TXE | Pl011::CR_LBE);  // loopback: not on the line
  b.wr(Pl011::UARTDR, 'd');
  EXPECT_EQ(b.out, "c");
  EXPECT_EQ(b.uart.transmitted(), 2u);
}

TEST(Pl011, tx_interrupt_is_raised_by_a_transmit_masked_by_imsc_and_cleared_by_icr) {
  Bus b;
  b.uart.enable_for_console();
  b.wr(Pl011::UARTDR, 'x');
  EXPECT_EQ(b.rd(Pl011::UARTRIS), Pl011::INT_TX);
  EXPECT_EQ(b.rd(Pl011::UARTMIS), 0u);  // masked
  EXPECT_TRUE(b.levels.empty());
  b.wr(Pl011::UARTIMSC, Pl011::INT_TX);  // unmasking a pending interrupt raises UARTINTR
  EXPECT_EQ(b.rd(Pl011::UARTMIS), Pl011::INT_TX);
  EXPECT_EQ(b.levels, std::vector<bool>{true});
  EXPECT_TRUE(b.uart.intr_level());
  b.wr(Pl011::UARTICR, Pl011::INT_RX);  // clearing another source changes nothing
  EXPECT_EQ(b.rd(Pl011::UARTMIS), Pl011::INT_TX);
  b.wr(Pl011::UARTICR, Pl011::INT_TX);
  EXPECT_EQ(b.rd(Pl011::UARTRIS), 0u);
  EXPECT_EQ(b.levels, (std::vector<bool>{true, false}));
  b.wr(Pl011::UARTDR, 'y');  // the next character drains the FIFO again
  EXPECT_EQ(b.levels, (std::vector<bool>{true, false, true}));
  b.uart.reset();
  EXPECT_EQ(b.levels, (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(b.rd(Pl011::UARTCR), 0x300u);
}

TEST(Pl011, narrow_accesses_see_the_low_bytes_and_bad_accesses_are_errors) {
  Bus b;
  uint32_t v = 0;
  EXPECT_EQ(b.access(tlm::TLM_READ_COMMAND, Pl011::UARTCR, v, 2), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 0x300u);
  v = 0;
  EXPECT_EQ(b.access(tlm::TLM_READ_COMMAND, Pl011::UARTFR, v, 1), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 0x90u);
  EXPECT_EQ(b.access(tlm::TLM_READ_COMMAND, Pl011::UARTFR, v, 8), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(b.access(tlm::TLM_READ_COMMAND, Pl011::UARTFR + 1, v, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(b.access(tlm::TLM_READ_COMMAND, Pl011::kWindow, v, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

}  // namespace
