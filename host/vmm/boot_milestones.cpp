// boot_milestones: see boot_milestones.h.
#include "host/boot_milestones.h"

namespace host {

BootMilestones::BootMilestones(const std::vector<std::pair<std::string, std::string>>& markers) {
  milestones_.push_back({"kernel_entry", "", {}, 0});
  milestones_.push_back({"first_console_line", "", {}, 0});
  for (const auto& [name, text] : markers) milestones_.push_back({name, text, {}, 0});
  milestones_.push_back({"poweroff", "", {}, 0});
}

std::vector<std::pair<std::string, std::string>> BootMilestones::linux_markers() {
  return {{"init_started", "as init process"}, {"command_done", "init: command done"}};
}

void BootMilestones::line(const std::string& text, const sc_core::sc_time& t) {
  reach(1, t);
  for (size_t i = 2; i + 1 < milestones_.size(); ++i)
    if (text.find(milestones_[i].marker) != std::string::npos) reach(i, t);
}

void BootMilestones::reach(size_t i, const sc_core::sc_time& t) {
  Milestone& m = milestones_[i];
  if (m.at) return;
  m.at = t;
  m.host_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - created_).count();
}

}  // namespace host
