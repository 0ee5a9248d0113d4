// The Granule Protection Check, written once as a walk in the architecture's priority
// order (Arm ARM, "GPC faults" / GranuleProtectionCheck()). Rule IDs are the Arm ARM's; the
// priority numbers follow FEAT_RME_GPC2 numbering (priority 2 is the per-PAS disables,
// which base FEAT_RME lacks). The hot path allocates nothing and makes no call other than
// the reader's.
#include "gpt/check.h"

#include "gpt/descriptor.h"

namespace gpt {

const char* to_string(GpfKind kind) {
  switch (kind) {
    case GpfKind::None: return "None";
    case GpfKind::AddressSize: return "AddressSize";
    case GpfKind::Walk: return "Walk";
    case GpfKind::Fail: return "Fail";
    case GpfKind::ExternalAbort: return "ExternalAbort";
  }
  return "?";
}

namespace {

#if defined(__GNUC__)
#define GPT_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define GPT_ALWAYS_INLINE inline
#endif

GPT_ALWAYS_INLINE GptWalk fault(GpfKind kind, int level, uint8_t reads) {
  GptWalk w;
  w.fault = kind;
  w.level = static_cast<int8_t>(level);
  w.reads = reads;
  return w;
}

GPT_ALWAYS_INLINE GptWalk found(uint8_t gpi, int level, uint64_t pa, unsigned range_bits,
                                uint8_t reads) {
  // A reserved GPI, wherever it is found, is a GPT walk fault at that level.
  if (!gpi_is_valid(gpi)) return fault(GpfKind::Walk, level, reads);
  GptWalk w;
  w.level = static_cast<int8_t>(level);
  w.gpi = static_cast<Gpi>(gpi);
  w.range_size = uint64_t{1} << range_bits;
  w.range_base = pa & ~(w.range_size - 1);
  w.reads = reads;
  return w;
}

// The walk for an enabled GPC; `pa` is the input PA.
GPT_ALWAYS_INLINE GptWalk walk(const GpcGeometry& g, uint64_t pa, DescriptorReader& reader) {
  // GPC priority 1 (R_GMGRR): an invalid GPCCR_EL3 configuration makes the access fail
  // with a GPT walk fault at level 0 (R_JWCSM).
  if (!g.valid) return fault(GpfKind::Walk, 0, 0);

  // GPC priority 3: the PA is outside the protected physical address space. A Non-secure
  // access does not fault (R_CPDSB); any other is a granule protection fault at level 0
  // (R_JFFHB). Both are what GPI NS gives, so the walk reports that and stays PAS-free.
  if ((pa & ~g.pps_mask) != 0) {
    GptWalk w;
    w.gpi = Gpi::NonSecure;
    w.range_base = g.pps_mask + 1;
    w.range_size = kPaLimit - w.range_base;
    return w;
  }

  // GPC priority 4: GPTBR_EL3.BADDR outside the PPS is a GPT address size fault at level 0.
  if (!g.l0_base_in_pps) return fault(GpfKind::AddressSize, 0, 0);

  // Level 0: index PA[t-1:s]. When s >= t, pa >> s is 0: one entry covers the whole PPS.
  uint64_t desc;
  // An external abort on a GPT fetch is a GPT fetch (EABT) fault at that level.
  if (!reader.read_descriptor(g.l0_base + (pa >> g.s) * 8, desc))
    return fault(GpfKind::ExternalAbort, 0, 1);

  switch (desc & 0xF) {
    case 0x1:  // block: bits[63:8] RES0 (R_XNKFZ: set RES0 bits make the descriptor invalid)
      if ((desc >> 8) != 0) return fault(GpfKind::Walk, 0, 1);
      return found((desc >> 4) & 0xF, 0, pa, g.l0_range_bits, 1);
    case 0x3:  // table
      break;
    default:  // invalid
      return fault(GpfKind::Walk, 0, 1);
  }

  // The L1 table address must be aligned to the table's size and inside the PPS; its
  // RES0 bits[11:4] are covered by the alignment (the table is at least 8 KiB).
  const uint64_t l1_base = desc & ~uint64_t{0xF};
  if ((l1_base & g.l1_base_bad) != 0) return fault(GpfKind::Walk, 0, 1);

  // Level 1: index PA[s-1:p+4]; GPI index PA[p+3:p] inside the entry.
  if (!reader.read_descriptor(l1_base + ((pa >> (g.p + 4)) & g.l1_index_mask) * 8, desc))
    return fault(GpfKind::ExternalAbort, 1, 2);

  if ((desc & 0xF) == 0x1) {
    // Contiguous descriptor: Contig 0 is reserved and bits[63:10] are RES0.
    const unsigned contig = (desc >> 8) & 3;
    if ((desc >> 10) != 0 || contig == 0) return fault(GpfKind::Walk, 1, 2);
    return found((desc >> 4) & 0xF, 1, pa, 17 + 4 * contig, 2);  // 21, 25, 29 bits
  }
  const unsigned nibble = (pa >> g.p) & 0xF;
  return found((desc >> (4 * nibble)) & 0xF, 1, pa, g.p, 2);
}

GPT_ALWAYS_INLINE GpcResult check(const GpcGeometry& g, uint64_t pa, Pas pas,
                                  DescriptorReader& reader) {
  GpcResult r;
  r.pa = pa;
  r.pas = pas;
  if (!g.enabled) {  // GPCCR_EL3.GPC == 0: every access passes.
    r.gpi = Gpi::Any;
    return r;
  }
  const GptWalk w = walk(g, pa, reader);
  r.level = w.level;
  if (!w.ok()) {
    r.kind = w.fault;
    return r;
  }
  r.gpi = w.gpi;
  // Last: the GPI does not admit the access PAS -> granule protection fault (GPCF_Fail)
  // at the level of the descriptor that gave the GPI.
  // Written as a select: the outcome varies granule by granule, so a branch mispredicts.
  r.kind = gpi_permits(w.gpi, pas) ? GpfKind::None : GpfKind::Fail;
  return r;
}

GptWalk walk_or_disabled(const GpcGeometry& g, uint64_t pa, DescriptorReader& reader) {
  if (!g.enabled) {
    // GPCCR_EL3.GPC == 0: no check at all, described as GPI ANY everywhere.
    GptWalk w;
    w.gpi = Gpi::Any;
    w.range_size = kPaLimit;
    return w;
  }
  return walk(g, pa, reader);
}

}  // namespace

GptWalk gpt_walk(const GpcGeometry& g, uint64_t pa, Pas /*pas*/, DescriptorReader& reader) {
  return walk_or_disabled(g, pa, reader);
}

GptWalk gpt_walk(const GpcConfig& cfg, uint64_t pa, Pas /*pas*/, DescriptorReader& reader) {
  return walk_or_disabled(GpcGeometry(cfg), pa, reader);
}

GpcResult granule_protection_check(const GpcGeometry& g, uint64_t pa, Pas pas,
                                   DescriptorReader& reader) {
  return check(g, pa, pas, reader);
}

GpcResult granule_protection_check(const GpcConfig& cfg, uint64_t pa, Pas pas,
                                   DescriptorReader& reader) {
  return check(GpcGeometry(cfg), pa, pas, reader);
}

}  // namespace gpt
