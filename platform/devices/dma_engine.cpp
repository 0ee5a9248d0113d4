#include "platform/dma_engine.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "sim/profile.h"
#include "sim/trace.h"
#include "platform/world.h"

namespace platform {

DmaEngine::DmaEngine(sc_core::sc_module_name name, Requester& master, gpt::Pas pas,
                     const TimingProfile& profile, StatGroup& parent_stats)
    : sc_module(name), regs("regs"), master_(master), pas_(pas),
      t_setup_(profile.charge("dma.setup")),
      stats_(std::string(basename()), &parent_stats),
      transfers_(stats_.counter("transfers", "DMA transfers started")),
      bytes_(stats_.counter("bytes", "bytes copied")),
      faults_(stats_.counter("faults", "transfers stopped by a GPF or bus error")) {
  regs.register_b_transport(this, &DmaEngine::b_transport);
  SC_HAS_PROCESS(DmaEngine);
  SC_THREAD(run);
}

void DmaEngine::reset() {
  src_ = dst_ = len_ = status_ = fault_pa_ = fault_info_ = copied_ = 0;
  start_pending_ = false;
}

uint64_t DmaEngine::read_reg(uint64_t offset) const {
  switch (offset) {
    case kSrc: return src_;
    case kDst: return dst_;
    case kLen: return len_;
    case kCtrl: return 0;
    case kStatus: return status_;
    case kFaultPa: return fault_pa_;
    case kFaultInfo: return fault_info_;
    case kCopied: return copied_;
    default: return 0;  // RAZ/WI for offsets this engine does not implement
  }
}

void DmaEngine::write_reg(uint64_t offset, uint64_t value) {
  if (busy()) return;  // programming registers of a running channel is ignored
  switch (offset) {
    case kSrc: src_ = value; break;
    case kDst: dst_ = value; break;
    case kLen: len_ = value; break;
    case kCtrl:
      if (value & 1) {
        status_ = kStatusBusy;
        fault_pa_ = fault_info_ = copied_ = 0;
        start_pending_ = true;
        start_.notify(sc_core::SC_ZERO_TIME);
      }
      break;
    default: break;
  }
}

void DmaEngine::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t off = gp.get_address();
  if (gp.get_data_length() != 8 || (off & 7) || off >= kWindow) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);  // 64-bit registers only
    return;
  }
  uint64_t v = 0;
  if (gp.is_read()) {
    v = read_reg(off);
    std::memcpy(gp.get_data_ptr(), &v, 8);
  } else if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), 8);
    write_reg(off, v);
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void DmaEngine::trace_transfer(const sc_core::sc_time& start) {
  if (!trace_ || !trace_->enabled()) return;
  auto hex = [](uint64_t v) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return std::string(b);
  };
  Trace::Args a = {{"src", hex(src_)}, {"dst", hex(dst_)}, {"len", std::to_string(len_)},
                   {"copied", std::to_string(copied_)}, {"status", status_ & kStatusFault ? "fault" : "done"}};
  if (status_ & kStatusFault) {
    a.push_back({"fault_pa", hex(fault_pa_)});
    const uint64_t kind = fault_info_ & 7;
    a.push_back({"fault_kind", kind == kBusErrorKind ? "bus error" : gpt::to_string(static_cast<gpt::GpfKind>(kind))});
  }
  trace_->slice(trace_->track(master_.name(), to_string(world_of(pas_))), "DMA transfer", "dma", start,
                master_.now() - start, std::move(a));
}

void DmaEngine::run() {
  for (;;) {
    while (!start_pending_) sc_core::wait(start_);
    start_pending_ = false;
    const sc_core::sc_time start = master_.now();
    ++transfers_;
    master_.charge(t_setup_);
    const uint64_t chunk = kBurstBytes;
    uint64_t done = 0;
    while (done < len_) {
      // Never cross a 4 KiB boundary in one burst, so a fault names the granule it hit.
      const uint64_t n = std::min({chunk - ((src_ + done) & (chunk - 1)), chunk - ((dst_ + done) & (chunk - 1)), len_ - done});
      AccessStatus st = master_.read(src_ + done, buf_.data(), n, pas_);
      uint64_t at = src_ + done;
      if (st.ok()) {
        st = master_.write(dst_ + done, buf_.data(), n, pas_);
        at = dst_ + done;
      }
      if (!st.ok()) {
        ++faults_;
        fault_pa_ = st.bus_error ? at : st.gpf.pa;
        const uint64_t kind = st.bus_error ? kBusErrorKind : static_cast<uint64_t>(st.gpf.kind);
        fault_info_ = kind | (static_cast<uint64_t>(st.gpf.level & 0xF) << 8) |
                      (static_cast<uint64_t>(pas_) << 16);
        status_ = kStatusFault;
        break;
      }
      done += n;
      copied_ = done;
      bytes_ += n;
    }
    if (status_ == kStatusBusy) status_ = kStatusDone;
    trace_transfer(start);
    master_.sync();
    done_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace platform
