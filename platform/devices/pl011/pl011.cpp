#include "platform/devices/pl011/pl011.h"

#include <cstring>

namespace platform {

namespace {
// UARTPeriphID0..3 (part 0x011, designer 0x41 Arm, revision r1p5) and UARTPCellID0..3.
constexpr uint8_t kPeriphId[4] = {0x11, 0x10, 0x34, 0x00};
constexpr uint8_t kPCellId[4] = {0x0D, 0xF0, 0x05, 0xB1};
}  // namespace

Pl011::Pl011() { reset(); }

void Pl011::reset() {
  rsr_ = ilpr_ = ibrd_ = fbrd_ = lcr_h_ = imsc_ = ris_ = dmacr_ = 0;
  cr_ = CR_TXE | CR_RXE;  // TRM: UARTCR resets to 0x0300
  ifls_ = 0x12;           // both FIFO levels at half full
  transmitted_ = 0;
  update();
}

void Pl011::enable_for_console() {
  lcr_h_ = LCR_H_WLEN_8 | LCR_H_FEN;
  cr_ = CR_UARTEN | CR_TXE | CR_RXE;
}

void Pl011::update() {
  const bool level = intr_level();
  if (level == intr_out_) return;
  intr_out_ = level;
  if (intr) intr(level);
}

uint32_t Pl011::read(uint64_t offset) {
  if (offset >= UARTPeriphID0 && offset < UARTPeriphID0 + 16) return kPeriphId[(offset - UARTPeriphID0) / 4];
  if (offset >= UARTPCellID0 && offset < UARTPCellID0 + 16) return kPCellId[(offset - UARTPCellID0) / 4];
  switch (offset) {
    case UARTDR: return 0;  // the receive FIFO is always empty: no data, no error bits
    case UARTRSR_ECR: return rsr_;
    case UARTFR: return FR_TXFE | FR_RXFE;
    case UARTILPR: return ilpr_;
    case UARTIBRD: return ibrd_;
    case UARTFBRD: return fbrd_;
    case UARTLCR_H: return lcr_h_;
    case UARTCR: return cr_;
    case UARTIFLS: return ifls_;
    case UARTIMSC: return imsc_;
    case UARTRIS: return ris_;
    case UARTMIS: return mis();
    case UARTICR: return 0;  // write-only
    case UARTDMACR: return dmacr_;
    default: return 0;  // reserved and test registers read as zero
  }
}

void Pl011::write(uint64_t offset, uint32_t value) {
  switch (offset) {
    case UARTDR: write_dr(value); break;
    case UARTRSR_ECR: rsr_ = 0; break;  // any write clears the receive errors
    case UARTILPR: ilpr_ = value & 0xFF; break;
    case UARTIBRD: ibrd_ = value & 0xFFFF; break;
    case UARTFBRD: fbrd_ = value & 0x3F; break;
    case UARTLCR_H: lcr_h_ = value & 0xFF; break;
    case UARTCR: cr_ = value & 0xFF87; break;  // bits 6:3 are reserved
    case UARTIFLS: ifls_ = value & 0x3F; break;
    case UARTIMSC: imsc_ = value & INT_ALL; break;
    case UARTICR: ris_ &= ~(value & INT_ALL); break;
    case UARTDMACR: dmacr_ = value & 0x7; break;
    default: break;  // UARTFR, UARTRIS, UARTMIS, the IDs and reserved offsets ignore writes
  }
  update();
}

void Pl011::write_dr(uint32_t value) {
  if (!(cr_ & CR_UARTEN) || !(cr_ & CR_TXE)) return;  // TRM: data is sent only when enabled
  ++transmitted_;
  // In loopback (LBE) the character goes to the receiver, which this model does not have.
  if (!(cr_ & CR_LBE) && tx) tx(static_cast<char>(value & 0xFF));
  ris_ |= INT_TX;  // the FIFO drained through its trigger level
}

void Pl011::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
  const uint64_t offset = gp.get_address();
  const unsigned len = gp.get_data_length();
  if (len != 1 && len != 2 && len != 4) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (offset >= kWindow || offset % 4 != 0 || gp.get_byte_enable_ptr() || gp.get_streaming_width() < len) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  uint32_t v = 0;
  if (gp.is_read()) {
    v = read(offset);
    std::memcpy(gp.get_data_ptr(), &v, len);
  } else if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), len);
    write(offset, v);
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace platform
