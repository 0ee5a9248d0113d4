// Step kinds that drive the host and its VMs: create, run, pause, teardown, host_read,
// host_write, map_page, dma, rmi (raw RMI calls on named granules), check.
#pragma once
#include <map>
#include <string>

#include "steps.h"

namespace rmesim {

const std::map<std::string, StepParser>& vm_step_parsers();

// Resolves a granule or address name for raw RMI steps and host actions:
//   a number; dram+OFFSET; VM (its RD); VM.rd, VM.rtt (root RTT), VM.recN, VM.pgd (a normal
//   VM's stage-2 root), VM.data@IPA (the page behind a realm IPA), VM.ram@GPA (VMM memory);
//   any other name: a fresh Non-secure page from the host allocator, the same on every use.
uint64_t resolve_granule(RunContext& c, const std::string& name, const std::string& where);

}  // namespace rmesim
