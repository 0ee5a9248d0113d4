// The granule protection check: one priority-ordered function shared by every requester
// (core, SMMU, DMA). It reads the GPT through a caller-supplied reader so that the caller
// decides how a descriptor fetch is timed and cached.
#pragma once
#include <cstdint>

#include "gpt/config.h"
#include "gpt/gpi.h"
#include "gpt/pas.h"

namespace gpt {

// GPCF kinds of the architecture (GPCF_AddressSize, GPCF_Walk, GPCF_Fail, GPCF_EABT).
enum class GpfKind : uint8_t { None, AddressSize, Walk, Fail, ExternalAbort };
const char* to_string(GpfKind kind);

// Physical addresses the check sees are at most 56 bits (the architecture's FullAddress).
constexpr unsigned kPaLimitBits = 56;
constexpr uint64_t kPaLimit = uint64_t{1} << kPaLimitBits;

// Reads one 64-bit GPT descriptor at `pa` in Root PAS. Returns false on an external abort.
class DescriptorReader {
 public:
  virtual bool read_descriptor(uint64_t pa, uint64_t& value) = 0;
 protected:
  ~DescriptorReader() = default;
};

// What a walk found for one PA: the GPI and the naturally aligned PA range the deciding
// descriptor covers (a granule, a contiguous run, or a whole L0 entry), which is what a GPC
// cache may remember. The result does not depend on the access PAS, so a cache can keep it
// for all four and apply gpi_permits() per access.
//
// Two results come without reading the table, and are described as if by a GPI:
// - GPC disabled: GPI ANY over [0, kPaLimit).
// - PA >= 2^t (outside the PPS): GPI NS over [2^t, kPaLimit), because a Non-secure access
//   there passes (R_CPDSB) and any other fails with a GPF at level 0 (R_JFFHB).
struct GptWalk {
  GpfKind fault = GpfKind::None;  // None, AddressSize, Walk or ExternalAbort (never Fail)
  int8_t level = 0;               // level of the deciding (or faulting) descriptor
  Gpi gpi = Gpi::NoAccess;        // valid whenever fault is None
  uint64_t range_base = 0;
  uint64_t range_size = 0;        // 0 when fault != None: nothing to cache
  uint8_t reads = 0;              // descriptors fetched (0, 1 or 2)
  bool ok() const { return fault == GpfKind::None; }
};

// Walks the GPT for `pa`. `pas` is not used by base FEAT_RME (see above); it is there for
// FEAT_RME_GPC2 (per-PAS disables, APPSAA) should we model it. On a hot path pass a
// GpcGeometry prepared when the configuration was programmed; the GpcConfig form prepares
// one per call (about 5 ns more on a warm ~15 ns check).
GptWalk gpt_walk(const GpcGeometry& geometry, uint64_t pa, Pas pas, DescriptorReader& reader);
GptWalk gpt_walk(const GpcConfig& cfg, uint64_t pa, Pas pas, DescriptorReader& reader);

// 16 bytes, so that it is returned in registers: every timed access makes a check, and a
// result passed through memory was read back wider than it was written (a store-forwarding
// stall that showed in a fault's profile).
struct GpcResult {
  uint64_t pa = 0;
  GpfKind kind = GpfKind::None;
  int8_t level = 0;
  Pas pas = Pas::NonSecure;
  Gpi gpi = Gpi::NoAccess;  // the GPI that decided (valid unless a fault other than Fail)
  bool ok() const { return kind == GpfKind::None; }
};
static_assert(sizeof(GpcResult) == 16, "GpcResult is returned in two registers");

// The full check, in GPC priority order: disabled, configuration (walk fault L0), PA beyond
// PPS (pass for NS, GPF L0 otherwise), GPTBR beyond PPS (address size L0), L0 and L1 fetch
// (external abort at that level), descriptor decode (walk fault at that level), then the
// GPI against the PAS (GPF, i.e. GPCF_Fail, at the level of the deciding descriptor).
GpcResult granule_protection_check(const GpcGeometry& geometry, uint64_t pa, Pas pas,
                                   DescriptorReader& reader);
GpcResult granule_protection_check(const GpcConfig& cfg, uint64_t pa, Pas pas,
                                   DescriptorReader& reader);

}  // namespace gpt
