// The SoC's physical memory map below DRAM (QEMU-virt-like, as the VMM's guests see it too) and
// the interrupt numbers its devices use: the one place that names them, read by the SoC's
// address decoder, the device models, the VMM's device trees and the host.
#pragma once
#include <cstdint>

namespace platform::memory_map {

// GICv3 (Arm IHI 0069, platform/devices/gicv3): a 64 KiB distributor frame, then one 128 KiB
// redistributor (RD_base + SGI_base frames) per PE, all inside one 16 MiB window.
constexpr uint64_t kGicWindowBase = 0x0800'0000, kGicWindowSize = 0x0100'0000;
constexpr uint64_t kGicdBase = kGicWindowBase, kGicdSize = 0x1'0000;
constexpr uint64_t kGicrBase = 0x080A'0000, kGicrStride = 0x2'0000;
constexpr unsigned kGicrMaxPes = (kGicWindowBase + kGicWindowSize - kGicrBase) / kGicrStride;

// PL011 UART0 (Arm DDI 0183) and its interrupt, an SPI.
constexpr uint64_t kUart0Base = 0x0900'0000, kUart0Size = 0x1000;
constexpr unsigned kUart0Spi = 1;  // INTID 32 + 1
// The UART's reference clock (UARTCLK) and APB clock, as the device tree names them.
constexpr uint32_t kUartClockHz = 24'000'000;

// SMMUv3 (Arm IHI 0070, platform/devices/smmuv3): register pages 0 and 1, then its Root page
// (IMPLEMENTATION DEFINED; 0x20000 past page 0 as on the FVP, root_register_page_offset), which
// only Root accesses reach. Its interrupts are edge-triggered SPIs.
constexpr uint64_t kSmmuBase = 0x0905'0000, kSmmuSize = 0x2'0000;
constexpr uint64_t kSmmuRootBase = kSmmuBase + 0x2'0000, kSmmuRootSize = 0x1'0000;
constexpr unsigned kSmmuEventqSpi = 2, kSmmuGerrorSpi = 3, kSmmuGpfFarSpi = 4, kSmmuGptCfgFarSpi = 5;

// The DMA engine (platform/dma_engine.h): its registers, and the StreamID its transactions
// carry to the SMMU.
constexpr uint64_t kDmaBase = 0x0908'0000;
constexpr uint32_t kDmaStreamId = 1;

// Private peripheral interrupts (INTIDs 16..31) of each PE, as the Arm Base System
// Architecture recommends (BSA: timers and the GIC maintenance interrupt). A device tree's
// GIC_PPI cells number them from kPpiBase.
constexpr unsigned kPpiBase = 16;
constexpr unsigned kPpiGicMaintenance = 25;
constexpr unsigned kPpiHypTimer = 26;          // CNTHP: EL2 physical timer, the host's scheduler tick
constexpr unsigned kPpiVirtTimer = 27;         // CNTV: EL1 virtual timer
constexpr unsigned kPpiSecurePhysTimer = 29;   // CNTPS
constexpr unsigned kPpiPhysTimer = 30;         // CNTP: EL1 physical timer

}  // namespace platform::memory_map
