#include "platform/requester.h"

#include <cstring>
#include <vector>

#include "platform/gpc_unit.h"
#include "platform/pas_extension.h"
#include "sim/profile.h"

namespace platform {

Requester::Requester(sc_core::sc_module_name name, uint32_t id, GpcUnit& gpc,
                     const TimingProfile& profile, StatGroup& parent_stats)
    : sc_module(name), socket("socket"), id_(id), gpc_(gpc),
      latency_(profile.charge("dram.latency")),
      bandwidth_(profile.rate("dram.bandwidth")),
      stat_group_("mem", &parent_stats),
      reads_(stat_group_.counter("reads", "memory reads")),
      writes_(stat_group_.counter("writes", "memory writes (including fills)")),
      bytes_(stat_group_.counter("bytes", "bytes moved")),
      gpfs_(stat_group_.counter("gpfs", "accesses refused with a granule protection fault")),
      bus_errors_(stat_group_.counter("bus_errors", "accesses no target decoded")) {
  socket.register_invalidate_direct_mem_ptr(this, &Requester::invalidate_direct_mem_ptr);
}

void Requester::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  if (dmi_valid_ && start <= dmi_.get_end_address() && end >= dmi_.get_start_address()) dmi_valid_ = false;
}

bool Requester::refresh_dmi(uint64_t pa) {
  if (dmi_valid_ && pa >= dmi_.get_start_address() && pa <= dmi_.get_end_address()) return true;
  tlm::tlm_generic_payload gp;
  gp.set_address(pa);
  gp.set_command(tlm::TLM_READ_COMMAND);
  tlm::tlm_dmi dmi;
  if (socket->get_direct_mem_ptr(gp, dmi) && dmi.is_read_write_allowed()) {
    dmi_ = dmi;
    dmi_valid_ = true;
    return true;
  }
  return false;
}

const TimedCost& Requester::transfer_time(uint64_t len) {
  for (const Transfer& t : transfers_)
    if (t.len == len) return t.time;
  Transfer& t = transfers_[next_transfer_];
  next_transfer_ ^= 1;
  t = {len, bandwidth_.of(len)};
  return t.time;
}

uint8_t* Requester::dram_pointer(uint64_t pa, uint64_t len) {
  if (!refresh_dmi(pa) || len == 0 || pa + len - 1 > dmi_.get_end_address()) return nullptr;
  return dmi_.get_dmi_ptr() + (pa - dmi_.get_start_address());
}

uint8_t* Requester::dram_window(uint64_t pa, uint64_t& base, uint64_t& size) {
  if (!refresh_dmi(pa)) return nullptr;
  base = dmi_.get_start_address();
  size = dmi_.get_end_address() - base + 1;
  return dmi_.get_dmi_ptr();
}

AccessStatus Requester::access(Op op, uint64_t pa, uint8_t* buf, uint64_t len, gpt::Pas pas,
                               uint8_t byte) {
  AccessStatus st;
  Delay delay;
  if (op == Op::Read || op == Op::CopyRead) ++reads_; else ++writes_;
  uint8_t* host = len ? dram_pointer(pa, len) : nullptr;
  if (host) {
    // Direct path: the GPC check this requester's unit would make, then DMI.
    st.gpf = gpc_.check(pa, len, pas, delay);
    if (st.gpf.ok()) {
      // The host's page faults for a fresh chunk of DRAM in one call (host_prefault.h).
      const uint64_t window = dmi_.get_end_address() - dmi_.get_start_address() + 1;
      if (op == Op::Write || op == Op::Fill)
        prefault_.before_write(dmi_.get_dmi_ptr(), window, host, len);
      else
        prefault_.before_read(dmi_.get_dmi_ptr(), window, host, len);
      switch (op) {
        case Op::Read: std::memcpy(buf, host, len); break;
        case Op::CopyRead: break;
        case Op::Write: std::memcpy(host, buf, len); break;
        case Op::Fill: std::memset(host, byte, len); break;
      }
      // Reads wait for the data; writes are posted (store buffers, write-back caches), so
      // they cost only their share of bandwidth.
      delay.add(transfer_time(len));
      if (op == Op::Read || op == Op::CopyRead) delay.add(latency_);
      bytes_ += len;
    }
  } else {
    // Transaction path (MMIO, undecoded addresses): the GPC unit checks in b_transport.
    std::vector<uint8_t> tmp;
    if (op == Op::Fill) tmp.assign(len, byte);
    tlm::tlm_generic_payload gp;
    PasExtension ext;
    ext.pas = pas;
    ext.requester = id_;
    ext.costs = &delay;
    gp.set_extension(&ext);
    gp.set_command(op == Op::Read || op == Op::CopyRead ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    gp.set_address(pa);
    gp.set_data_ptr(op == Op::Fill ? tmp.data() : buf);
    gp.set_data_length(static_cast<unsigned>(len));
    gp.set_streaming_width(static_cast<unsigned>(len));
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time annotated = sc_core::SC_ZERO_TIME;
    socket->b_transport(gp, annotated);
    gp.clear_extension(&ext);
    // What a target annotated without naming a cost (a device model) is its own category.
    if (annotated > delay.total()) delay.add({kCostDevice, annotated - delay.total()});
    st.gpf = ext.gpf;
    st.bus_error = st.gpf.ok() && !gp.is_response_ok();
    if (gp.is_response_ok()) bytes_ += len;
  }
  if (!st.gpf.ok()) ++gpfs_;
  if (st.bus_error) ++bus_errors_;
  charge(delay);
  if (sc_core::sc_is_running()) sync_if_needed();
  return st;
}

AccessStatus Requester::read(uint64_t pa, void* dst, uint64_t len, gpt::Pas pas) {
  return access(Op::Read, pa, static_cast<uint8_t*>(dst), len, pas, 0);
}

AccessStatus Requester::write(uint64_t pa, const void* src, uint64_t len, gpt::Pas pas) {
  return access(Op::Write, pa, const_cast<uint8_t*>(static_cast<const uint8_t*>(src)), len, pas, 0);
}

AccessStatus Requester::fill(uint64_t pa, uint8_t byte, uint64_t len, gpt::Pas pas) {
  return access(Op::Fill, pa, nullptr, len, pas, byte);
}

CopyStatus Requester::copy(uint64_t dst, gpt::Pas dst_pas, uint64_t src, gpt::Pas src_pas, uint64_t len) {
  CopyStatus st;
  // A source in DRAM: the write (to DRAM or a device) takes its bytes in place. The host
  // pointer stays valid across the read's sync (DRAM's mapping lives as long as the SoC).
  if (const uint8_t* host_src = dram_pointer(src, len)) {
    st.read = access(Op::CopyRead, src, nullptr, len, src_pas, 0);
    if (st.read.ok()) st.write = access(Op::Write, dst, const_cast<uint8_t*>(host_src), len, dst_pas, 0);
    return st;
  }
  bounce_.resize(len);
  st.read = read(src, bounce_.data(), len, src_pas);
  if (st.read.ok()) st.write = write(dst, bounce_.data(), len, dst_pas);
  return st;
}

}  // namespace platform
