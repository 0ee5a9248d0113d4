#include "platform/dma_engine.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "platform/devices/smmuv3/smmuv3.h"
#include "platform/pas_extension.h"
#include "platform/world.h"
#include "sim/profile.h"
#include "sim/trace.h"

namespace platform {

DmaEngine::DmaEngine(sc_core::sc_module_name name, uint32_t stream_id, uint32_t requester_id, gpt::Pas pas,
                     const TimingProfile& profile, StatGroup& parent_stats)
    : sc_module(name), regs("regs"), out("out"), stream_id_(stream_id), requester_id_(requester_id), pas_(pas),
      t_setup_(profile.charge("dma.setup")),
      stats_(std::string(basename()), &parent_stats),
      transfers_(stats_.counter("transfers", "DMA transfers started")),
      bytes_(stats_.counter("bytes", "bytes copied")),
      faults_(stats_.counter("faults", "transfers stopped by an aborted access")) {
  regs.register_b_transport(this, &DmaEngine::b_transport);
  SC_HAS_PROCESS(DmaEngine);
  SC_THREAD(run);
}

void DmaEngine::reset() {
  src_ = dst_ = len_ = status_ = fault_addr_ = fault_info_ = copied_ = mode_ = checksum_ = 0;
  start_pending_ = false;
}

uint64_t DmaEngine::read_reg(uint64_t offset) const {
  switch (offset) {
    case kSrc: return src_;
    case kDst: return dst_;
    case kLen: return len_;
    case kCtrl: return 0;
    case kStatus: return status_;
    case kFaultAddr: return fault_addr_;
    case kFaultInfo: return fault_info_;
    case kCopied: return copied_;
    case kChecksum: return checksum_;
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
      if (value & kCtrlStart) {
        status_ = kStatusBusy;
        mode_ = value & (kCtrlFill | kCtrlRead);
        fault_addr_ = fault_info_ = copied_ = checksum_ = 0;
        start_pending_ = true;
        start_.notify(sc_core::SC_ZERO_TIME);
      }
      break;
    default: break;
  }
}

void DmaEngine::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  (void)delay;
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
  const char* mode = mode_ & kCtrlFill ? "fill" : mode_ & kCtrlRead ? "read" : "copy";
  Trace::Args a = {{"mode", mode}, {"src", hex(src_)}, {"dst", hex(dst_)}, {"len", std::to_string(len_)},
                   {"copied", std::to_string(copied_)}, {"sid", std::to_string(stream_id_)},
                   {"status", status_ & kStatusFault ? "fault" : "done"}};
  if (status_ & kStatusFault) {
    a.push_back({"fault_addr", hex(fault_addr_)});
    a.push_back({"fault", fault_info_ & kFaultInfoDecode ? "decode error" : "abort"});
  }
  trace_->slice(trace_->track(name(), to_string(world_of(pas_))), "DMA transfer", "dma", start,
                last_duration_, std::move(a));
}

bool DmaEngine::transact(bool write, uint64_t addr, uint64_t n) {
  tlm::tlm_generic_payload gp;
  PasExtension ext;
  ext.pas = pas_;
  ext.requester = requester_id_;
  Delay costs;
  ext.costs = &costs;
  StreamIdExtension sid;
  sid.sid = stream_id_;
  gp.set_extension(&ext);
  gp.set_extension(&sid);
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(buf_.data());
  gp.set_data_length(static_cast<unsigned>(n));
  gp.set_streaming_width(static_cast<unsigned>(n));
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  // LT: the transaction starts at this thread's local time and comes back later by what the
  // SMMU, its GPC unit and memory annotated.
  sc_core::sc_time t = qk_.get_local_time();
  out->b_transport(gp, t);
  gp.clear_extension(&ext);
  gp.clear_extension(&sid);
  ledger_.add(costs);
  qk_.set(qk_.get_local_time() + costs.total());
  if (gp.is_response_ok()) return true;
  fault_addr_ = addr;
  fault_info_ = (write ? kFaultInfoWrite : 0) |
                (gp.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE ? kFaultInfoDecode : 0);
  return false;
}

void DmaEngine::run() {
  for (;;) {
    while (!start_pending_) sc_core::wait(start_);
    start_pending_ = false;
    qk_.reset();
    const sc_core::sc_time start = qk_.get_current_time();
    ++transfers_;
    ledger_.add(t_setup_.id, t_setup_.time.value());
    qk_.inc(t_setup_.time);
    uint64_t done = 0;
    while (done < len_) {
      // Never cross a 4 KiB boundary in one burst, so a fault names the page it hit.
      const uint64_t src_room = mode_ & kCtrlFill ? kBurstBytes : kBurstBytes - ((src_ + done) & (kBurstBytes - 1));
      const uint64_t dst_room = mode_ & kCtrlRead ? kBurstBytes : kBurstBytes - ((dst_ + done) & (kBurstBytes - 1));
      const uint64_t n = std::min({src_room, dst_room, len_ - done});
      bool ok = true;
      if (mode_ & kCtrlFill) {
        std::memset(buf_.data(), static_cast<int>(src_ & 0xFF), n);
      } else {
        ok = transact(false, src_ + done, n);
        if (ok) for (uint64_t i = 0; i < n; ++i) checksum_ += buf_[i];
      }
      if (ok && !(mode_ & kCtrlRead)) ok = transact(true, dst_ + done, n);
      if (!ok) {
        ++faults_;
        status_ = kStatusFault;
        break;
      }
      done += n;
      copied_ = done;
      bytes_ += n;
    }
    if (status_ == kStatusBusy) status_ = kStatusDone;
    last_duration_ = qk_.get_current_time() - start;
    trace_transfer(start);
    qk_.sync();
    done_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace platform
