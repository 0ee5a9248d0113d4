// Step kinds that drive the host and its VMs: create, run, pause, teardown, host_read,
// host_write, map_page, dma, rmi (raw RMI calls on named granules), check.
//
// Raw RMI arguments and map_page targets name granules, checked at load:
//   a number (a token that starts with a digit or '-' is always one: 0x80000000, 3, -1);
//   dram+OFFSET; VM (its RD); VM.rd, VM.rtt (root RTT), VM.recN, VM.pgd (a normal VM's
//   stage-2 root), VM.data@IPA (the page behind a realm IPA), VM.ram@GPA (VMM memory), where
//   VM is one of the scenario's VMs; $RESULT: the value result register RESULT held after the
//   last RMI step that returned RMI_SUCCESS or RMI_INCOMPLETE (0 before: an SRO's $handle);
//   a list [v, ...]: a page of the step's holding the values, one u64 each (OP_MEM_DONATE's
//   list); any other name: a fresh Non-secure page from the host allocator, the same on every
//   use.
#pragma once
#include <string>
#include <vector>

#include "rmesim/steps.h"

namespace rmesim {

const std::vector<StepKind>& vm_step_kinds();
// The RMI commands with their arguments and the params fields, for `rmesim help steps`.
std::string vm_steps_help();

}  // namespace rmesim
