// A small SoC for tests: a fresh simulation context, the default profile, and a way to run
// a job on a PE until the simulation is idle.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "sim/profile.h"
#include "platform/soc.h"
#include "sim_context.h"

namespace rmesim::testing {

struct SocFixture {
  platform::TimingProfile profile;
  platform::SocConfig config;
  std::unique_ptr<platform::Soc> soc;

  explicit SocFixture(platform::SocConfig cfg = small_config())
      : profile(platform::TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/default.yaml")),
        config(cfg) {
    fresh_simcontext();
    soc = std::make_unique<platform::Soc>("soc", config, profile);
  }

  static platform::SocConfig small_config() {
    platform::SocConfig c;
    c.cores = 2;
    c.dram_size = 256 * platform::MiB;
    return c;
  }

  // Runs `job` on PE `pe` (and whatever else is posted) until every PE is idle.
  void run(std::function<void(platform::Pe&)> job, unsigned pe = 0) {
    soc->pe(pe).post(std::move(job));
    sc_core::sc_start();
  }

  // Boots the monitor on PE 0.
  void boot() { run([this](platform::Pe& p) { soc->monitor().boot(p.requester()); }); }
};

}  // namespace rmesim::testing
