// The SoC's physical memory map below DRAM (a QEMU virt / FVP-like layout) and the interrupt
// numbers its devices use: the one place that names them. Device models, the VMM's device
// trees and the guests' constants all read these.
#pragma once
#include <cstdint>

namespace platform::memory_map {

// GICv3 (platform/devices/gicv3): a 64 KiB distributor frame, then one 128 KiB redistributor
// (RD_base + SGI_base frames) per PE, all inside one 16 MiB window.
constexpr uint64_t kGicBase = 0x0800'0000, kGicWindow = 0x0100'0000;
constexpr uint64_t kGicdBase = kGicBase, kGicdSize = 0x1'0000;
constexpr uint64_t kGicrBase = 0x080A'0000, kGicrStride = 0x2'0000;

constexpr uint64_t kUart0Base = 0x0900'0000, kUart0Size = 0x1000;
constexpr uint64_t kSmmuBase = 0x0905'0000, kSmmuSize = 0x2'0000;
constexpr uint64_t kDmaBase = 0x0907'0000;

// Private peripheral interrupts (INTIDs 16..31) of each PE, as the Arm Base System
// Architecture recommends (BSA: timers and the GIC maintenance interrupt).
constexpr unsigned kPpiGicMaintenance = 25;
constexpr unsigned kPpiHypTimer = 26;    // CNTHP: EL2 physical timer, the host's scheduler tick
constexpr unsigned kPpiVirtTimer = 27;   // CNTV: EL1 virtual timer
constexpr unsigned kPpiPhysTimer = 30;   // CNTP: EL1 physical timer

}  // namespace platform::memory_map
