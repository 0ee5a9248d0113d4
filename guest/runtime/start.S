// Guest entry, secondary entry, the switch to the kernel's high virtual addresses, and the EL1
// exception vector table.
//
// Boot protocol (see guest/README.md): the hypervisor enters _start at EL1h with the MMU off,
// at the image's physical address (IPA), X0..X3 holding the guest's parameters. PSCI CPU_ON
// enters _secondary_entry the same way with X0 = context id. The image is linked at
// RT_KERNEL_VA + its IPA (as Linux links its kernel in the TTBR1 half): until the MMU is on,
// only PC-relative code runs (adrp/adr, no absolute addresses). rt_mmu_on then runs with an
// identity map in TTBR0 and the linear map in TTBR1, jumps to the high VA, and drops the
// identity map, so that TTBR0 is free for EL0 programs. Every CPU has its own stack, indexed
// by MPIDR_EL1.Aff0.
    .section .text.boot, "ax"
    .global _start
_start:
    b       1f
    .balign 16
    // Fixed header at image offset 0x10 for loaders: magic "RMSG", version, entry offsets.
    .ascii  "RMSG"
    .word   1
    .quad   _secondary_entry - _start
1:  mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mov     x22, x3
    bl      setup_stack
    adrp    x0, __bss_start            // zero .bss (primary only; physical addresses)
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
2:  cmp     x0, x1
    b.hs    3f
    stp     xzr, xzr, [x0], #16
    b       2b
3:  mov     x0, #(3 << 20)             // CPACR_EL1.FPEN: no FP traps (compiler may use SIMD)
    msr     cpacr_el1, x0
    isb
    bl      rt_early_start             // MMU off: find the world, build the page tables
    bl      rt_mmu_on                  // returns at the high VA
    mov     x0, x19
    mov     x1, x20
    mov     x2, x21
    mov     x3, x22
    bl      rt_primary_start           // never returns
    b       rt_halt

    .global _secondary_entry
_secondary_entry:
    mov     x19, x0
    bl      setup_stack
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    isb
    bl      rt_mmu_on
    mov     x0, x19
    bl      rt_secondary_start         // never returns
    b       rt_halt

// Turns the MMU on with the tables rt_early_start built (TTBR0 = identity, TTBR1 = linear
// map of the IPA space at RT_KERNEL_VA), continues at the high VA, moves SP and the return
// address there, installs the vectors and hands TTBR0 to the EL0 tables. Clobbers x0..x9.
    .global rt_mmu_on
rt_mmu_on:
    adrp    x0, rt_mmu_regs
    add     x0, x0, :lo12:rt_mmu_regs
    ldp     x1, x2, [x0]               // MAIR, TCR
    ldp     x3, x4, [x0, #16]          // TTBR0 (identity), TTBR1 (linear map)
    msr     mair_el1, x1
    msr     tcr_el1, x2
    msr     ttbr0_el1, x3
    msr     ttbr1_el1, x4
    isb
    tlbi    vmalle1
    dsb     ish
    isb
    mrs     x9, sctlr_el1
    orr     x9, x9, #1                 // M
    orr     x9, x9, #(1 << 2)          // C
    orr     x9, x9, #(1 << 12)         // I
    msr     sctlr_el1, x9
    isb
    ldr     x5, =RT_KERNEL_VA          // from here on, virtual addresses in TTBR1
    ldr     x6, =1f
    br      x6
1:  add     sp, sp, x5
    add     x30, x30, x5
    ldr     x0, =el1_vectors
    msr     vbar_el1, x0
    ldr     x0, =rt_mmu_regs
    ldr     x1, [x0, #32]              // TTBR0 for EL0 programs
    msr     ttbr0_el1, x1
    isb
    tlbi    vmalle1                    // forget the identity map
    dsb     ish
    isb
    ret

// SP = top of the stack of CPU MPIDR.Aff0, physical (clobbers x0, x1).
setup_stack:
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cmp     x0, #RT_MAX_CPUS
    b.hs    rt_halt
    add     x0, x0, #1
    adrp    x1, rt_stacks              // physical: the MMU is still off
    add     x1, x1, :lo12:rt_stacks
    add     x1, x1, x0, lsl #RT_STACK_SHIFT
    mov     sp, x1
    ret

    .global rt_halt
rt_halt:
    wfi
    b       rt_halt

// The vector table: 16 entries of 128 bytes. Each saves x0..x30, ELR, SPSR on the stack and
// calls rt_exception(frame, kind) with kind = entry index (0..15).
    .macro vector kind
    .balign 128
    sub     sp, sp, #(34 * 8)
    stp     x0, x1, [sp, #0]
    mov     x0, #\kind
    b       vector_common
    .endm

    .section .text.vectors, "ax"
    .balign 2048
    .global el1_vectors
el1_vectors:
    vector 0
    vector 1
    vector 2
    vector 3
    vector 4
    vector 5
    vector 6
    vector 7
    vector 8
    vector 9
    vector 10
    vector 11
    vector 12
    vector 13
    vector 14
    vector 15

vector_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x30, x1, [sp, #240]
    str     x2, [sp, #256]
    mov     x1, x0                     // kind
    mov     x0, sp                     // frame
    bl      rt_exception
    ldp     x30, x1, [sp, #240]
    ldr     x2, [sp, #256]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    add     sp, sp, #(34 * 8)
    eret

// SMCCC calls: rt_smc(regs) / rt_hvc(regs): regs[0..17] in, regs[0..17] out (X18 scratch).
    .macro conduit insn
    mov     x18, x0
    ldp     x16, x17, [x18, #128]
    ldp     x14, x15, [x18, #112]
    ldp     x12, x13, [x18, #96]
    ldp     x10, x11, [x18, #80]
    ldp     x8, x9, [x18, #64]
    ldp     x6, x7, [x18, #48]
    ldp     x4, x5, [x18, #32]
    ldp     x2, x3, [x18, #16]
    ldp     x0, x1, [x18, #0]
    \insn   #0
    stp     x0, x1, [x18, #0]
    stp     x2, x3, [x18, #16]
    stp     x4, x5, [x18, #32]
    stp     x6, x7, [x18, #48]
    stp     x8, x9, [x18, #64]
    stp     x10, x11, [x18, #80]
    stp     x12, x13, [x18, #96]
    stp     x14, x15, [x18, #112]
    stp     x16, x17, [x18, #128]
    ret
    .endm

    .text
    .global rt_smc
rt_smc:
    conduit smc
    .global rt_hvc
rt_hvc:
    conduit hvc

// uint64_t rt_user_enter(entry, sp_el0, arg): saves the callee-saved registers and SP_EL1,
// then ERETs to EL0t at `entry` with X0 = arg and interrupts masked. rt_user_return(value),
// called from an exception taken from that program, unwinds back here and returns `value`.
    .global rt_user_enter
rt_user_enter:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    ldr     x10, =rt_user_kernel_sp
    mov     x11, sp
    str     x11, [x10, x9, lsl #3]
    msr     elr_el1, x0
    msr     sp_el0, x1
    mov     x0, #0x3c0                 // EL0t, DAIF masked
    msr     spsr_el1, x0
    mov     x0, x2
    mov     x1, xzr
    eret

    .global rt_user_return
rt_user_return:
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    ldr     x10, =rt_user_kernel_sp
    ldr     x11, [x10, x9, lsl #3]
    mov     sp, x11
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret
