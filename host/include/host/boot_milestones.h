// Boot milestones: the points of a guest's boot that the VMM can see from outside, each timed
// in simulated time when it first happens (and in host seconds, for the speed figures): the
// first entry of vCPU 0, the first complete console line, console lines that mark later steps
// (for a Linux guest: the kernel starting init, init's command finishing), and PSCI SYSTEM_OFF.
// The VMM never reads guest memory or PCs for them, so a guest is timed as it ships.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

namespace host {

class BootMilestones {
 public:
  struct Milestone {
    std::string name;
    std::string marker;                    // console text that marks it ("" for the fixed ones)
    std::optional<sc_core::sc_time> at;    // simulated time it first happened
    double host_seconds = 0;               // wall seconds since the VMM created the VM
  };
  // kernel_entry, first_console_line, then one milestone per (name, console text) of
  // `markers`, then poweroff.
  explicit BootMilestones(const std::vector<std::pair<std::string, std::string>>& markers);
  // The markers of a Linux guest (an arm64 Image) booting the initramfs of tools/fetch-linux:
  // "Run /init as init process" is the kernel's (init/main.c), the others are guest/linux/init's.
  static std::vector<std::pair<std::string, std::string>> linux_markers();

  void entry(const sc_core::sc_time& t) { reach(0, t); }
  void line(const std::string& text, const sc_core::sc_time& t);
  void poweroff(const sc_core::sc_time& t) { reach(milestones_.size() - 1, t); }
  const std::vector<Milestone>& milestones() const { return milestones_; }

 private:
  void reach(size_t i, const sc_core::sc_time& t);
  std::vector<Milestone> milestones_;
  std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
};

}  // namespace host
