// Guest entry, secondary entry and the EL1 exception vector table.
//
// Boot protocol (see guest/README.md): the hypervisor enters _start at EL1h with the MMU
// off, X0..X3 holding the guest's parameters. PSCI CPU_ON enters _secondary_entry with X0 =
// context id. Every CPU gets its own stack, indexed by MPIDR_EL1.Aff0.
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
    ldr     x0, =__bss_start           // zero .bss (primary only)
    ldr     x1, =__bss_end
2:  cmp     x0, x1
    b.hs    3f
    stp     xzr, xzr, [x0], #16
    b       2b
3:  ldr     x0, =el1_vectors
    msr     vbar_el1, x0
    mov     x0, #(3 << 20)             // CPACR_EL1.FPEN: no FP traps (compiler may use SIMD)
    msr     cpacr_el1, x0
    isb
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
    ldr     x0, =el1_vectors
    msr     vbar_el1, x0
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    isb
    mov     x0, x19
    bl      rt_secondary_start         // never returns
    b       rt_halt

// SP = top of the stack of CPU MPIDR.Aff0 (clobbers x0, x1).
setup_stack:
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cmp     x0, #RT_MAX_CPUS
    b.hs    rt_halt
    add     x0, x0, #1
    ldr     x1, =rt_stacks
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
