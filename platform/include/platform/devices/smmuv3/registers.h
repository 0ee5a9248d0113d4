// SMMUv3 programming interface (Arm IHI 0070, chapter 6): register offsets and fields of the
// Non-secure pages 0 and 1 and of the Root page (§6.3.110 onwards, FEAT_RME), as the model, the
// EL3 monitor, the host's driver and the tests name them. Only what rmesim implements.
#pragma once
#include <cstdint>

namespace platform::smmuv3 {

// Page 0 (offsets from the SMMU base). 32-bit registers unless marked 64.
constexpr uint64_t SMMU_IDR0 = 0x00, SMMU_IDR1 = 0x04, SMMU_IDR2 = 0x08, SMMU_IDR3 = 0x0C,
                   SMMU_IDR4 = 0x10, SMMU_IDR5 = 0x14, SMMU_IIDR = 0x18, SMMU_AIDR = 0x1C,
                   SMMU_CR0 = 0x20, SMMU_CR0ACK = 0x24, SMMU_CR1 = 0x28, SMMU_CR2 = 0x2C,
                   SMMU_STATUSR = 0x40, SMMU_GBPA = 0x44, SMMU_IRQ_CTRL = 0x50,
                   SMMU_IRQ_CTRLACK = 0x54, SMMU_GERROR = 0x60, SMMU_GERRORN = 0x64,
                   SMMU_STRTAB_BASE = 0x80,       // 64
                   SMMU_STRTAB_BASE_CFG = 0x88,
                   SMMU_CMDQ_BASE = 0x90,         // 64
                   SMMU_CMDQ_PROD = 0x98, SMMU_CMDQ_CONS = 0x9C,
                   SMMU_EVENTQ_BASE = 0xA0;       // 64
// Page 1 (offset 0x10000): the Event queue's index registers.
constexpr uint64_t SMMU_EVENTQ_PROD = 0x100A8, SMMU_EVENTQ_CONS = 0x100AC;
constexpr uint64_t kPagesSize = 0x20000;  // pages 0 and 1

// SMMU_IDR0 fields.
constexpr uint32_t IDR0_S2P = 1u << 0, IDR0_S1P = 1u << 1, IDR0_TTF_AARCH64 = 2u << 2,
                   IDR0_COHACC = 1u << 4, IDR0_ASID16 = 1u << 12, IDR0_VMID16 = 1u << 18,
                   IDR0_TTENDIAN_LE = 2u << 21, IDR0_STALL_NONE = 1u << 24, IDR0_TERM_MODEL = 1u << 26,
                   IDR0_RME_IMPL = 1u << 30;
// SMMU_IDR1: SIDSIZE [5:0], SSIDSIZE [10:6], EVENTQS [20:16], CMDQS [25:21] (log2 entries).
constexpr unsigned IDR1_SIDSIZE_SHIFT = 0, IDR1_EVENTQS_SHIFT = 16, IDR1_CMDQS_SHIFT = 21;
// SMMU_IDR5: OAS [2:0] (0b101: 48 bits), GRAN4K bit 4.
constexpr uint32_t IDR5_OAS_48 = 5, IDR5_GRAN4K = 1u << 4;

// SMMU_CR0 / SMMU_CR0ACK.
constexpr uint32_t CR0_SMMUEN = 1u << 0, CR0_EVENTQEN = 1u << 2, CR0_CMDQEN = 1u << 3;
// SMMU_CR2.RECINVSID: record C_BAD_STREAMID.
constexpr uint32_t CR2_RECINVSID = 1u << 1;
// SMMU_GBPA.ABORT (bit 20): with SMMUEN 0, abort instead of bypass. UPDATE bit 31.
constexpr uint32_t GBPA_ABORT = 1u << 20, GBPA_UPDATE = 1u << 31;
// SMMU_IRQ_CTRL: GERROR_IRQEN bit 0, EVENTQ_IRQEN bit 2.
constexpr uint32_t IRQ_CTRL_GERROR_IRQEN = 1u << 0, IRQ_CTRL_EVENTQ_IRQEN = 1u << 2;
// SMMU_GERROR / GERRORN: an error is active while GERROR and GERRORN differ in its bit.
constexpr uint32_t GERROR_CMDQ_ERR = 1u << 0, GERROR_EVENTQ_ABT_ERR = 1u << 2;
// SMMU_STRTAB_BASE: ADDR [51:6]. SMMU_STRTAB_BASE_CFG: LOG2SIZE [5:0], FMT [17:16] (0 linear).
constexpr uint64_t STRTAB_BASE_ADDR_MASK = 0x000F'FFFF'FFFF'FFC0ull;
constexpr uint32_t STRTAB_CFG_LOG2SIZE_MASK = 0x3F, STRTAB_CFG_FMT_SHIFT = 16;
// SMMU_CMDQ_BASE / SMMU_EVENTQ_BASE: ADDR [51:5], LOG2SIZE [4:0].
constexpr uint64_t Q_BASE_ADDR_MASK = 0x000F'FFFF'FFFF'FFE0ull, Q_BASE_LOG2SIZE_MASK = 0x1F;
// Queue indices: index [log2size-1:0], wrap bit [log2size]. CMDQ_CONS.ERR [30:24];
// EVENTQ_PROD.OVFLG / EVENTQ_CONS.OVACKFLG bit 31.
constexpr uint32_t CMDQ_CONS_ERR_SHIFT = 24, Q_OVFLG = 1u << 31;
constexpr uint32_t CERROR_NONE = 0, CERROR_ILL = 1, CERROR_ABT = 2;

// The Root page (SMMUv3_ROOT, offsets from its IMPLEMENTATION DEFINED base). Accesses that
// are not Root are RAZ/WI.
constexpr uint64_t SMMU_ROOT_IDR0 = 0x00, SMMU_ROOT_IIDR = 0x08, SMMU_ROOT_CR0 = 0x20,
                   SMMU_ROOT_CR0ACK = 0x24, SMMU_ROOT_GPT_BASE = 0x28, SMMU_ROOT_GPT_BASE_CFG = 0x30,
                   SMMU_ROOT_GPF_FAR = 0x38, SMMU_ROOT_GPT_CFG_FAR = 0x40, SMMU_ROOT_TLBI = 0x50,
                   SMMU_ROOT_TLBI_CTRL = 0x58;
constexpr uint64_t kRootPageSize = 0x10000;
// SMMU_ROOT_IDR0: ROOT_IMPL bit 0, BGPTM bit 1 (broadcast TLBI PA reaches this SMMU), RGPTM
// bit 2 (SMMU_ROOT_TLBI present).
constexpr uint32_t ROOT_IDR0_ROOT_IMPL = 1u << 0, ROOT_IDR0_BGPTM = 1u << 1, ROOT_IDR0_RGPTM = 1u << 2;
// SMMU_ROOT_CR0 / CR0ACK.
constexpr uint32_t ROOT_CR0_ACCESSEN = 1u << 0, ROOT_CR0_GPCEN = 1u << 1;
// SMMU_ROOT_GPT_BASE: ADDR [51:12]. SMMU_ROOT_GPT_BASE_CFG: GPCCR_EL3 without GPC (bit 16):
// PPS, IRGN, ORGN, SH, PGS, GPCP bit 17, L0GPTSZ (RO) [23:20].
constexpr uint64_t ROOT_GPT_BASE_ADDR_MASK = 0x000F'FFFF'FFFF'F000ull;
constexpr uint64_t ROOT_GPT_BASE_CFG_RW_MASK = 0x0002'FF07ull;  // L0GPTSZ is RO, bit 16 RES0
// SMMU_ROOT_GPF_FAR / GPT_CFG_FAR: FAULT bit 0, REASON [3:1], FAULTCODE [11:4], FADDR [55:12],
// CFG_ERR [59:56] (GPT_CFG_FAR only), FPAS [63:62].
constexpr unsigned FAR_REASON_SHIFT = 1, FAR_FAULTCODE_SHIFT = 4, FAR_CFG_ERR_SHIFT = 56, FAR_FPAS_SHIFT = 62;
constexpr uint64_t FAR_FAULT = 1, FAR_FADDR_MASK = 0x00FF'FFFF'FFFF'F000ull;
enum class FarReason : uint8_t { Translation = 1, Gerror = 2, Transaction = 3 };
// CFG_ERR values of SMMU_ROOT_GPT_CFG_FAR.
enum class GptCfgErr : uint8_t { InvalidConfig = 0, BaseAddressSize = 1, FetchAbort = 2, InvalidEntry = 3,
                                 NextLevelAddressSize = 4 };
// SMMU_ROOT_TLBI: ALL bit 0, L bit 1, SIZE [7:4], Address [51:12]. TLBI_CTRL.RUN bit 0.
constexpr uint64_t ROOT_TLBI_ALL = 1, ROOT_TLBI_ADDR_MASK = 0x000F'FFFF'FFFF'F000ull;
constexpr unsigned ROOT_TLBI_SIZE_SHIFT = 4;
constexpr uint32_t ROOT_TLBI_CTRL_RUN = 1;

}  // namespace platform::smmuv3
