// The SoC's physical memory map below DRAM (QEMU-virt-like, as the VMM's guests see it too):
// one place for device addresses and interrupt numbers, read by the SoC's address decoder,
// the device models and the VMM's device trees.
#pragma once
#include <cstdint>

namespace platform::memory_map {

// GICv3 (Arm IHI 0069): the distributor, then one redistributor per PE (RD_base + SGI_base,
// 64 KiB each), inside one 16 MiB window.
constexpr uint64_t kGicWindowBase = 0x0800'0000, kGicWindowSize = 0x0100'0000;
constexpr uint64_t kGicdBase = 0x0800'0000, kGicdSize = 0x1'0000;
constexpr uint64_t kGicrBase = 0x080A'0000, kGicrStride = 0x2'0000;
constexpr unsigned kGicrMaxPes = (kGicWindowBase + kGicWindowSize - kGicrBase) / kGicrStride;

// PL011 UART0 (Arm DDI 0183) and its interrupt, an SPI.
constexpr uint64_t kUart0Base = 0x0900'0000, kUart0Size = 0x1000;
constexpr unsigned kUart0Spi = 1;  // INTID 32 + 1

constexpr uint64_t kSmmuBase = 0x0905'0000, kSmmuSize = 0x2'0000;
constexpr uint64_t kDmaBase = 0x0907'0000;

// Generic timer PPIs (Arm ARM D11.2.4; SBSA): INTIDs, and their numbers in a device tree's
// GIC_PPI cells (INTID - 16).
constexpr unsigned kTimerSecurePhysIntid = 29, kTimerNonSecurePhysIntid = 30;
constexpr unsigned kTimerVirtIntid = 27, kTimerHypIntid = 26;
constexpr unsigned kPpiBase = 16, kSpiBase = 32;

// The UART's reference clock (UARTCLK) and APB clock, as the device tree names them.
constexpr uint32_t kUartClockHz = 24'000'000;

}  // namespace platform::memory_map
