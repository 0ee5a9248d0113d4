#include "core/measurement.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <openssl/evp.h>

#include "platform/abi/rmm_abi_1_0.h"

namespace rmm {

// ---------------------------------------------------------------------------------------------
// Measured structures (RMM spec DEN0137 1.0). Every byte the RIM depends on is laid out here.
// Integers are little-endian; every structure starts all-zero, so reserved bytes hash as zero.
//
// RmiRealmParams (4096 bytes; layout in platform/abi/rmm_abi_1_0.h). RMI_REALM_CREATE measures
// a zero-filled copy carrying only flags, s2sz, sve_vl, num_bps, num_wps, pmu_num_ctrs and
// hash_algo (not rpv, vmid, rtt_base, rtt_level_start, rtt_num_start).
//
// RmiRecParams (4096 bytes). RMI_REC_CREATE hashes a zero-filled copy carrying only flags, pc
// and gprs[8] (not mpidr, num_aux, aux[16]).
//
// RmmMeasurementDescriptorData (0x100 bytes), RMI_DATA_CREATE:
//   0x00 desc_type = 0 (u8 in an 8-byte field)   0x08 len = 0x100 (u64)
//   0x10 rim[64]: the current RIM (hash-size bytes used, rest zero)
//   0x50 ipa (u64)   0x58 flags (u64, RmiDataFlags as given)
//   0x60 content[64]: H(DATA granule) when flags.measure == RMI_MEASURE_CONTENT, else zero
//   0xA0..0xFF reserved, zero
//
// RmmMeasurementDescriptorRec (0x100 bytes), RMI_REC_CREATE:
//   0x00 desc_type = 1   0x08 len = 0x100   0x10 rim[64]
//   0x50 content[64]: H(measured RmiRecParams above)   0x90..0xFF reserved, zero
//
// RmmMeasurementDescriptorRipas (0x100 bytes), RMI_RTT_INIT_RIPAS (1.0 only):
//   0x00 desc_type = 2   0x08 len = 0x100   0x10 rim[64]
//   0x50 base (u64)      0x58 top (u64)        0x60..0xFF reserved, zero
//
// In each case the new RIM is H(descriptor) over all 0x100 bytes, with the realm's algorithm.
// (Cross-checked against TF-RMM rmm-spec-v1.0-rel0 lib/measurement/src/measurement_descs.h
// and rim.c.)
// ---------------------------------------------------------------------------------------------
namespace layout {
namespace realm = platform::abi::v1_0::realm_params;  // the measured fields
namespace rec = platform::abi::v1_0::rec_params;

constexpr size_t kDescSize = 0x100;
constexpr size_t kDescType = 0x00, kDescLen = 0x08, kDescRim = 0x10;
constexpr size_t kDataIpa = 0x50, kDataFlags = 0x58, kDataContent = 0x60;
constexpr size_t kRecContent = 0x50;
constexpr size_t kRipasBase = 0x50, kRipasTop = 0x58;

constexpr uint8_t kDescTypeData = 0, kDescTypeRec = 1, kDescTypeRipas = 2;

static_assert(kDataContent + kMaxMeasurementSize <= kDescSize, "data descriptor fits in 0x100");
static_assert(kRecContent + kMaxMeasurementSize <= kDescSize, "rec descriptor fits in 0x100");
static_assert(kDescRim + kMaxMeasurementSize == kDataIpa, "rim[64] ends where the body starts");
}  // namespace layout

namespace {

void store_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

[[noreturn]] void crypto_fatal(const char* what) {
  std::fprintf(stderr, "rmm measurement: OpenSSL failure in %s\n", what);
  std::abort();
}

// Fetched once: an explicitly fetched EVP_MD skips the per-call implicit fetch of OpenSSL 3.
const EVP_MD* evp_md(HashAlgorithm algo) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* const sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  const EVP_MD* md = algo == HashAlgorithm::Sha256 ? sha256 : sha512;
  if (md == nullptr) crypto_fatal("EVP_MD_fetch");
  return md;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// One reusable digest context per thread (SystemC runs models on one OS thread; tests and
// benchmarks may use more).
EVP_MD_CTX* thread_md_ctx() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx) crypto_fatal("EVP_MD_CTX_new");
  return ctx.get();
}

// H(a || b), either part may be empty.
void hash_two(HashAlgorithm algo, const void* a, size_t a_len, const void* b, size_t b_len,
              uint8_t* out) {
  EVP_MD_CTX* ctx = thread_md_ctx();
  unsigned int out_len = 0;
  if (EVP_DigestInit_ex2(ctx, evp_md(algo), nullptr) != 1) crypto_fatal("EVP_DigestInit_ex2");
  if (a_len != 0 && EVP_DigestUpdate(ctx, a, a_len) != 1) crypto_fatal("EVP_DigestUpdate");
  if (b_len != 0 && EVP_DigestUpdate(ctx, b, b_len) != 1) crypto_fatal("EVP_DigestUpdate");
  if (EVP_DigestFinal_ex(ctx, out, &out_len) != 1) crypto_fatal("EVP_DigestFinal_ex");
  assert(out_len == hash_size(algo));
}

// A descriptor with the common header (desc_type, len, rim) filled in.
std::array<uint8_t, layout::kDescSize> descriptor(uint8_t type, const MeasurementValue& rim,
                                                  size_t hash_len) {
  std::array<uint8_t, layout::kDescSize> desc{};
  desc[layout::kDescType] = type;
  store_le64(&desc[layout::kDescLen], layout::kDescSize);
  std::memcpy(&desc[layout::kDescRim], rim.data(), hash_len);
  return desc;
}

}  // namespace

std::optional<HashAlgorithm> hash_algorithm_from_raw(uint64_t raw) {
  switch (raw) {
    case 0: return HashAlgorithm::Sha256;
    case 1: return HashAlgorithm::Sha512;
    default: return std::nullopt;
  }
}

size_t hash_size(HashAlgorithm algo) { return algo == HashAlgorithm::Sha256 ? 32 : 64; }

const char* hash_algo_id(HashAlgorithm algo) {
  return algo == HashAlgorithm::Sha256 ? "sha-256" : "sha-512";
}

void hash_compute(HashAlgorithm algo, const void* data, size_t len, uint8_t* out) {
  hash_two(algo, data, len, nullptr, 0, out);
}

std::optional<RealmParamsMeasured> RealmParamsMeasured::from_granule(const uint8_t* p) {
  using platform::abi::get;
  auto algo = hash_algorithm_from_raw(get(p, layout::realm::kHashAlgo));
  if (!algo) return std::nullopt;
  RealmParamsMeasured r;
  // Each field with its declared size: the u8 fields sit in 8-byte slots whose padding is not
  // theirs and must not reach the measurement.
  r.flags = get(p, layout::realm::kFlags);
  r.s2sz = get(p, layout::realm::kS2sz);
  r.sve_vl = get(p, layout::realm::kSveVl);
  r.num_bps = get(p, layout::realm::kNumBps);
  r.num_wps = get(p, layout::realm::kNumWps);
  r.pmu_num_ctrs = get(p, layout::realm::kPmuNumCtrs);
  r.algorithm = *algo;
  return r;
}

RecParamsMeasured RecParamsMeasured::from_granule(const uint8_t* p) {
  RecParamsMeasured r;
  using platform::abi::get;
  r.flags = get(p, layout::rec::kFlags);
  r.pc = get(p, layout::rec::kPc);
  for (unsigned i = 0; i < r.gprs.size(); ++i) r.gprs[i] = get(p, layout::rec::kGprs, i);
  return r;
}

Measurement::Measurement(HashAlgorithm algorithm) : algorithm_(algorithm) {}

void Measurement::init_rim(const RealmParamsMeasured& params) {
  algorithm_ = params.algorithm;
  for (auto& s : slots_) s.fill(0);
  std::array<uint8_t, kStructSize> measured{};
  using platform::abi::put;
  put(measured.data(), layout::realm::kFlags, params.flags);
  put(measured.data(), layout::realm::kS2sz, params.s2sz);
  put(measured.data(), layout::realm::kSveVl, params.sve_vl);
  put(measured.data(), layout::realm::kNumBps, params.num_bps);
  put(measured.data(), layout::realm::kNumWps, params.num_wps);
  put(measured.data(), layout::realm::kPmuNumCtrs, params.pmu_num_ctrs);
  put(measured.data(), layout::realm::kHashAlgo, static_cast<uint8_t>(params.algorithm));
  hash_compute(algorithm_, measured.data(), measured.size(), slots_[kRimSlot].data());
}

void Measurement::extend_data(uint64_t ipa, uint64_t flags, const uint8_t* content, size_t len) {
  MeasurementValue digest{};
  if ((flags & kRmiMeasureContent) != 0) {
    assert(content != nullptr);
    hash_compute(algorithm_, content, len, digest.data());
  }
  extend_data_digest(ipa, flags, digest.data());
}

void Measurement::extend_data_digest(uint64_t ipa, uint64_t flags, const uint8_t* content_digest) {
  const size_t n = size();
  auto desc = descriptor(layout::kDescTypeData, slots_[kRimSlot], n);
  store_le64(&desc[layout::kDataIpa], ipa);
  store_le64(&desc[layout::kDataFlags], flags);
  if ((flags & kRmiMeasureContent) != 0) std::memcpy(&desc[layout::kDataContent], content_digest, n);
  hash_compute(algorithm_, desc.data(), desc.size(), slots_[kRimSlot].data());
}

void Measurement::extend_rec(const RecParamsMeasured& params) {
  std::array<uint8_t, kStructSize> measured{};
  using platform::abi::put;
  put(measured.data(), layout::rec::kFlags, params.flags);
  put(measured.data(), layout::rec::kPc, params.pc);
  for (unsigned i = 0; i < params.gprs.size(); ++i) put(measured.data(), layout::rec::kGprs, params.gprs[i], i);

  auto desc = descriptor(layout::kDescTypeRec, slots_[kRimSlot], size());
  hash_compute(algorithm_, measured.data(), measured.size(), &desc[layout::kRecContent]);
  hash_compute(algorithm_, desc.data(), desc.size(), slots_[kRimSlot].data());
}

void Measurement::extend_ripas(uint64_t base, uint64_t top) {
  auto desc = descriptor(layout::kDescTypeRipas, slots_[kRimSlot], size());
  store_le64(&desc[layout::kRipasBase], base);
  store_le64(&desc[layout::kRipasTop], top);
  hash_compute(algorithm_, desc.data(), desc.size(), slots_[kRimSlot].data());
}

bool Measurement::extend_rem(unsigned index, const uint8_t* data, size_t size_bytes) {
  if (index < 1 || index > kNumRems || size_bytes > kMaxRemExtendSize) return false;
  if (size_bytes != 0 && data == nullptr) return false;
  MeasurementValue& rem = slots_[index];
  // The current value enters with the hash size only (not the 64-byte buffer).
  MeasurementValue next{};
  hash_two(algorithm_, rem.data(), size(), data, size_bytes, next.data());
  rem = next;
  return true;
}

const MeasurementValue& Measurement::slot(unsigned index) const {
  assert(index < kNumMeasurementSlots);
  return slots_[index];
}

}  // namespace rmm
