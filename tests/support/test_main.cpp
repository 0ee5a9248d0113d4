// Test entry point: SystemC owns main() (libsystemc calls sc_main), so GoogleTest runs from
// sc_main. Each test that builds a SoC starts a fresh simulation context (sim_context.h).
#include <gtest/gtest.h>

#include <cstdlib>

#include <systemc>

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
