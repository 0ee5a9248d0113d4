// PL011 UART (Arm PrimeCell UART, TRM DDI 0183G), register-accurate for what software sees:
// data, receive status, flags, baud divisors, line and interrupt control, the masked and raw
// interrupt status, DMA control and the PrimeCell ID registers, with TRM reset values and
// access rules (reserved bits read as zero, RO registers ignore writes, WO registers read as
// zero). Transmission is instantaneous: a character written to UARTDR while UARTEN and TXE
// are set leaves at once through `tx`, so the transmit FIFO is always empty and UARTFR.TXFE
// is 1. Nothing is ever received (no input source), so RXFE is 1 and UARTDR reads 0.
//
// The transmit interrupt follows the TRM's level-crossing rule: the FIFO (or holding
// register) drains to empty after every transmitted character, which sets UARTTXINTR in
// UARTRIS; writing UARTICR.TXIC clears it. `intr` carries UARTINTR, the OR of the UARTMIS
// bits, and is called on each change of level.
//
// Not an sc_module: a VMM creates a UART per VM while the simulation runs, when SystemC
// allows no new modules (kvmtool, too, emulates its UARTs in the VMM process). Accesses come
// as TLM-2.0 generic payloads through b_transport, from an MMIO exit or a bus.
#pragma once
#include <cstdint>
#include <functional>

#include <systemc>
#include <tlm>

namespace platform {

class Pl011 {
 public:
  // Register offsets (TRM table 3-1).
  static constexpr uint64_t UARTDR = 0x000, UARTRSR_ECR = 0x004, UARTFR = 0x018, UARTILPR = 0x020,
                            UARTIBRD = 0x024, UARTFBRD = 0x028, UARTLCR_H = 0x02C, UARTCR = 0x030,
                            UARTIFLS = 0x034, UARTIMSC = 0x038, UARTRIS = 0x03C, UARTMIS = 0x040,
                            UARTICR = 0x044, UARTDMACR = 0x048, UARTPeriphID0 = 0xFE0,
                            UARTPCellID0 = 0xFF0, kWindow = 0x1000;
  // UARTFR bits.
  static constexpr uint32_t FR_BUSY = 1u << 3, FR_RXFE = 1u << 4, FR_TXFF = 1u << 5, FR_RXFF = 1u << 6,
                            FR_TXFE = 1u << 7;
  // UARTCR bits.
  static constexpr uint32_t CR_UARTEN = 1u << 0, CR_LBE = 1u << 7, CR_TXE = 1u << 8, CR_RXE = 1u << 9;
  // UARTLCR_H bits.
  static constexpr uint32_t LCR_H_FEN = 1u << 4, LCR_H_WLEN_8 = 3u << 5;
  // Interrupt bits (UARTIMSC, UARTRIS, UARTMIS, UARTICR).
  static constexpr uint32_t INT_RX = 1u << 4, INT_TX = 1u << 5, INT_ALL = 0x7FF;

  Pl011();

  std::function<void(char)> tx;      // UARTTXD: each transmitted character
  std::function<void(bool)> intr;    // UARTINTR level, called when it changes

  // TLM-2.0 target: 8-, 16- or 32-bit reads and writes at a register's offset (the TRM's
  // registers are 32 bits wide; narrower accesses see the low bytes). Anything else is
  // TLM_BURST_ERROR_RESPONSE (width) or TLM_ADDRESS_ERROR_RESPONSE (outside the window or
  // unaligned). No time is added: the caller charges the access.
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

  // Register access as a driver sees it (also what b_transport calls).
  uint32_t read(uint64_t offset);
  void write(uint64_t offset, uint32_t value);

  // Restores every register to its TRM reset value (UARTCR 0x300, UARTIFLS 0x12, ...).
  void reset();
  // What boot firmware leaves for an early console: the UART enabled for 8-bit transmit and
  // receive (Linux's earlycon and rmesim's guests write UARTDR without setting it up).
  void enable_for_console();

  bool intr_level() const { return mis() != 0; }
  uint64_t transmitted() const { return transmitted_; }

 private:
  uint32_t mis() const { return ris_ & imsc_; }
  void update();  // recomputes UARTINTR after any change of RIS or IMSC
  void write_dr(uint32_t value);

  uint32_t rsr_ = 0, ilpr_ = 0, ibrd_ = 0, fbrd_ = 0, lcr_h_ = 0, cr_ = 0, ifls_ = 0, imsc_ = 0,
           ris_ = 0, dmacr_ = 0;
  bool intr_out_ = false;
  uint64_t transmitted_ = 0;
};

}  // namespace platform
