// The baseline of the guest speed benchmarks: a bare Unicorn engine with one flat RWX region
// over guest memory and no hooks (optionally one block hook that only counts, the least any
// deterministic instruction budget costs). Runs a function of a guest image with AArch64
// calling convention until it returns to `kReturn` (never executed), whole or in slices.
#pragma once
#include <cstdint>
#include <stdexcept>

#include <unicorn/unicorn.h>

namespace bench_cpu {

class BareEngine {
 public:
  BareEngine(uint64_t base, uint64_t size, uint8_t* memory, bool block_hook = false) {
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc_) != UC_ERR_OK) throw std::runtime_error("uc_open");
    uc_ctl_set_cpu_model(uc_, UC_CPU_ARM64_MAX);
    if (uc_mem_map_ptr(uc_, base, size, UC_PROT_ALL, memory) != UC_ERR_OK)
      throw std::runtime_error("uc_mem_map_ptr");
    if (block_hook) {
      uc_hook h;
      uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&BareEngine::on_block), this, 1, 0);
    }
  }
  ~BareEngine() { uc_close(uc_); }
  BareEngine(const BareEngine&) = delete;
  BareEngine& operator=(const BareEngine&) = delete;

  // Calls `fn(x0, x1, x2, x3)`; `ret` is an address inside the region the function returns to.
  uint64_t call(uint64_t fn, uint64_t ret, uint64_t x0, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0) {
    uc_reg_write(uc_, UC_ARM64_REG_X0, &x0);
    uc_reg_write(uc_, UC_ARM64_REG_X1, &x1);
    uc_reg_write(uc_, UC_ARM64_REG_X2, &x2);
    uc_reg_write(uc_, UC_ARM64_REG_X3, &x3);
    uc_reg_write(uc_, UC_ARM64_REG_X30, &ret);
    if (uc_emu_start(uc_, fn, ret, 0, 0) != UC_ERR_OK) throw std::runtime_error("bare engine: run failed");
    uint64_t result = 0;
    uc_reg_read(uc_, UC_ARM64_REG_X0, &result);
    return result;
  }
  uint64_t blocks_counted() const { return counted_; }

  // The same call cut into slices of `blocks` translation blocks (the block hook stops the
  // engine; needs block_hook), each slice a uc_emu_start from the PC where the last stopped:
  // with `exits`, through the exits API with `ret` as the one exit; else with `until` = ret.
  // Returns the number of slices.
  uint64_t call_sliced(uint64_t fn, uint64_t ret, uint64_t x0, uint64_t x1, uint64_t blocks, bool exits) {
    if (exits) {
      uc_ctl_exits_enable(uc_);
      uc_ctl_set_exits(uc_, &ret, 1);
    } else {
      uc_ctl_exits_disable(uc_);
    }
    slice_blocks_ = blocks;
    uc_reg_write(uc_, UC_ARM64_REG_X0, &x0);
    uc_reg_write(uc_, UC_ARM64_REG_X1, &x1);
    uc_reg_write(uc_, UC_ARM64_REG_X30, &ret);
    uint64_t pc = fn, slices = 0;
    while (pc != ret) {
      left_ = slice_blocks_;
      if (uc_emu_start(uc_, pc, exits ? 0 : ret, 0, 0) != UC_ERR_OK) throw std::runtime_error("bare engine: slice failed");
      uc_reg_read(uc_, UC_ARM64_REG_PC, &pc);
      ++slices;
    }
    slice_blocks_ = 0;
    return slices;
  }

 private:
  static void on_block(uc_engine* uc, uint64_t, uint32_t size, void* self) {
    auto* e = static_cast<BareEngine*>(self);
    e->counted_ += size / 4;
    if (e->slice_blocks_ && --e->left_ == 0) uc_emu_stop(uc);
  }
  uc_engine* uc_ = nullptr;
  uint64_t counted_ = 0, slice_blocks_ = 0, left_ = 0;
};

}  // namespace bench_cpu
