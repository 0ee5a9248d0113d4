// Small guest programs for cpu_tests, linked at 0x80000000 (IPA) and identity mapped.
// Each starts at a global label; the tests set PC there (see snippets.h, generated).
    .text
    .global snippets_base
snippets_base:

// Loads and stores through the guest's own stage-1 MMU (x1 = data address), then HVC #1.
    .global s_mmu
s_mmu:
    mov     x2, #0x5a5a
    str     x2, [x1]
    ldr     x3, [x1]
    add     x3, x3, #1
    hvc     #1

// SVC to the guest's vectors (VBAR_EL1 = s_vectors): the handler exits with HVC #2 after
// reading ESR_EL1/ELR_EL1/SPSR_EL1 into x10/x11/x12.
    .global s_svc
s_svc:
    svc     #5
    hvc     #9            // not reached: the handler exits

// From EL1, ERET to EL0 at s_el0_user with SP_EL0 = x2; there it writes x6 and calls SVC #3,
// which the guest's EL1 vectors (+0x400, from a lower EL) answer with HVC #13.
    .global s_el0
    .global s_el0_user
s_el0:
    msr     sp_el0, x2
    adr     x0, s_el0_user
    msr     elr_el1, x0
    msr     spsr_el1, xzr       // EL0t, DAIF clear
    eret
s_el0_user:
    mov     x6, #7
    svc     #3
    hvc     #9                  // not reached: the handler exits

// From EL1, ERET to EL0 at x0 (any VA) with SP_EL0 = x2.
    .global s_eret_to
s_eret_to:
    msr     sp_el0, x2
    msr     elr_el1, x0
    msr     spsr_el1, xzr
    eret

// A stage-1 translation fault (x1 = a VA the guest's tables do not map): the handler exits
// with HVC #3 after reading ESR_EL1/FAR_EL1/ELR_EL1 into x10/x13/x11.
    .global s_s1fault
s_s1fault:
    ldr     x2, [x1]
    hvc     #9

    .global s_hvc_smc
s_hvc_smc:
    hvc     #0x1234
    smc     #0x77
    hvc     #0

// Loads one doubleword from x1 into x2 and exits with HVC #4; loops back (for re-reads).
    .global s_load
s_load:
    ldr     x2, [x1]
    hvc     #4
    b       s_load

// Reads [x1], rewrites its stage-1 descriptor (x3 to [x4]), invalidates with TLBI VMALLE1 and
// reads [x1] again into x5, then HVC #6: the second read must use the new translation.
    .global s_tlbi
s_tlbi:
    ldr     x2, [x1]
    str     x3, [x4]
    dsb     ishst
    tlbi    vmalle1
    dsb     ish
    isb
    ldr     x5, [x1]
    hvc     #6

// The same with TLBI VAE1IS of the address in x1 (Xt = VA >> 12): only that translation goes.
    .global s_tlbi_va
s_tlbi_va:
    ldr     x2, [x1]
    str     x3, [x4]
    dsb     ishst
    lsr     x6, x1, #12
    tlbi    vae1is, x6
    dsb     ish
    isb
    ldr     x5, [x1]
    hvc     #8

// Reads [x1], switches TTBR0_EL1 to x3 (another ASID, no TLBI) and reads [x1] again into x5,
// then HVC #7: the second read must use the new tables.
    .global s_ttbr_switch
s_ttbr_switch:
    ldr     x2, [x1]
    msr     ttbr0_el1, x3
    isb
    ldr     x5, [x1]
    hvc     #7

// Stores x2 to [x1], exits with HVC #5.
    .global s_store
s_store:
    str     x2, [x1]
    hvc     #5

// MMIO accesses of each size and kind, x1 = device base.
    .global s_mmio
s_mmio:
    ldrb    w3, [x1]
    ldrh    w4, [x1, #2]
    ldr     w5, [x1, #4]
    ldr     x6, [x1, #8]
    ldrsb   x7, [x1]
    ldrsh   w8, [x1, #2]
    ldrsw   x9, [x1, #4]
    strb    w20, [x1]
    strh    w21, [x1, #2]
    str     w22, [x1, #4]
    str     x23, [x1, #8]
    str     xzr, [x1, #16]
    ldp     x10, x11, [x1]
    hvc     #6

    .global s_wfi
s_wfi:
    wfi
    hvc     #7

// Reads CNTVCT_EL0 twice around a loop of x1 iterations into x2, x3; HVC #8.
    .global s_counter
s_counter:
    mrs     x2, cntvct_el0
1:  subs    x1, x1, #1
    b.ne    1b
    mrs     x3, cntvct_el0
    hvc     #8

// A loop of x1 iterations x 4 instructions, then HVC #10 (x0 = checksum).
    .global s_loop
s_loop:
    mov     x0, #0
1:  add     x0, x0, x1
    eor     x0, x0, x0, lsl #3
    subs    x1, x1, #1
    b.ne    1b
    hvc     #10

// x2 iterations of 6 instructions with an MMIO read and an MMIO write inside the block
// (x1 = device), then HVC #13 (x0 = the sum of what the reads returned, plus 1 per iteration).
    .global s_mmio_loop
s_mmio_loop:
    mov     x0, #0
1:  add     x0, x0, #1
    ldr     w3, [x1]
    add     x0, x0, x3
    str     w0, [x1, #4]
    subs    x2, x2, #1
    b.ne    1b
    hvc     #13

// Load/store loop over x2 bytes at x1 (stride 64), x3 passes; HVC #11.
    .global s_ldst
s_ldst:
    mov     x4, #0
2:  mov     x5, x1
    mov     x6, x2
1:  ldr     x7, [x5]
    add     x7, x7, x4
    str     x7, [x5], #64
    subs    x6, x6, #64
    b.ne    1b
    subs    x3, x3, #1
    b.ne    2b
    hvc     #11

// EL1 vector table (2 KiB aligned): current EL with SP_ELx, synchronous.
    .balign 2048
    .global s_vectors
s_vectors:
    .skip   0x200
    mrs     x10, esr_el1        // +0x200: sync, current EL, SP_ELx
    mrs     x11, elr_el1
    mrs     x12, spsr_el1
    mrs     x13, far_el1
    lsr     x14, x10, #26
    cmp     x14, #0x15
    b.ne    1f
    hvc     #2
1:  hvc     #3
    .balign 128
    .skip   0x80 * 0            // +0x280: IRQ
    .global s_vectors_irq
s_vectors_irq:
    mov     x15, #0x1e
    hvc     #12
    .balign 0x400                   // +0x400: sync from a lower EL (AArch64)
    mrs     x10, esr_el1
    mrs     x11, elr_el1
    mrs     x12, spsr_el1
    mov     x13, sp                 // SP_EL1 again
    mrs     x14, sp_el0
    hvc     #13

// The virtual CPU interface: enables group 1 (ICC_IGRPEN1_EL1), PMR 0xf0, unmasks IRQs and
// waits in WFI (each WFI is an exit; the test runs it again). The IRQ handler (VBAR_EL1 =
// s_gic_vectors) acknowledges (ICC_IAR1_EL1 -> x20), reads the running priority (ICC_RPR_EL1
// -> x22), ends the interrupt (ICC_EOIR1_EL1), reads ICC_RPR_EL1 again (-> x21), HVC #21.
    .global s_virq
s_virq:
    mov     x0, #1
    msr     S3_0_C12_C12_7, x0      // ICC_IGRPEN1_EL1
    mov     x0, #0xf0
    msr     S3_0_C4_C6_0, x0        // ICC_PMR_EL1
    msr     daifclr, #2
1:  wfi
    b       1b

// The EL1 virtual timer: CNTV_TVAL_EL0 = x1, CNTV_CTL_EL0 = ENABLE, then spins; reads
// CNTV_CVAL_EL0 into x3 first.
    .global s_vtimer
s_vtimer:
    msr     cntv_tval_el0, x1
    mov     x0, #1
    msr     cntv_ctl_el0, x0
    mrs     x3, cntv_cval_el0
1:  b       1b

// SGI generation: ICC_SGI1R_EL1 = x1 (traps to EL2), then HVC #22.
    .global s_sgi
s_sgi:
    msr     S3_0_C12_C11_5, x1
    hvc     #22

// The same in the middle of a block: the instructions around it run exactly once.
    .global s_sgi_mid_block
s_sgi_mid_block:
    add     x5, x5, #1
    msr     S3_0_C12_C11_5, x1
    add     x6, x6, #1
    add     x7, x7, #1
    hvc     #23

    .balign 2048
    .global s_gic_vectors
s_gic_vectors:
    .skip   0x280                   // +0x280: IRQ, current EL with SP_ELx
    mrs     x20, S3_0_C12_C12_0     // ICC_IAR1_EL1
    mrs     x22, S3_0_C12_C11_3     // ICC_RPR_EL1
    msr     S3_0_C12_C12_1, x20     // ICC_EOIR1_EL1
    mrs     x21, S3_0_C12_C11_3
    hvc     #21

// Features the ID registers report, as EL1 code uses them (cpu_features_test.cpp).
    .arch   armv8.5-a+sve+rng

// The ID registers: ID_AA64PFR0_EL1 -> x2, ID_AA64ISAR0_EL1 -> x3, ID_AA64ISAR1_EL1 -> x4,
// ID_AA64PFR1_EL1 -> x5, ID_AA64MMFR1_EL1 -> x6; HVC #30.
    .global s_id_regs
s_id_regs:
    mrs     x2, id_aa64pfr0_el1
    mrs     x3, id_aa64isar0_el1
    mrs     x4, id_aa64isar1_el1
    mrs     x5, id_aa64pfr1_el1
    mrs     x6, id_aa64mmfr1_el1
    hvc     #30

// SVE: ZCR_EL1 = x1, read back into x2; the vector length in bytes (RDVL) -> x3; z2 = z0 + z1
// (5 + 7 in every lane), its first lane -> x4; HVC #31. (With SVE hidden, the first
// instruction is UNDEFINED.)
    .global s_sve
s_sve:
    msr     S3_0_C1_C2_0, x1        // ZCR_EL1
    isb
    mrs     x2, S3_0_C1_C2_0
    rdvl    x3, #1
    mov     z0.d, #5
    mov     z1.d, #7
    add     z2.d, z0.d, z1.d
    mov     x4, v2.d[0]
    hvc     #31

// Pointer authentication: APIAKey_EL1 = x1:x2 (LO:HI, read back into x8:x9); x3 = PACIA of the
// pointer x5 with modifier x6; x4 = AUTIA of x3 with x6 (x5 again); x7 = AUTIA of x3 with
// x6 + 1 (not x5: the wrong modifier); HVC #32.
    .global s_pac
s_pac:
    msr     S3_0_C2_C1_0, x1        // APIAKEYLO_EL1
    msr     S3_0_C2_C1_1, x2        // APIAKEYHI_EL1
    isb
    mrs     x8, S3_0_C2_C1_0
    mrs     x9, S3_0_C2_C1_1
    mov     x3, x5
    pacia   x3, x6
    mov     x4, x3
    autia   x4, x6
    add     x10, x6, #1
    mov     x7, x3
    autia   x7, x10
    hvc     #32

// RNDR -> x2 and RNDRRS -> x4 with NZCV set to 0b1111 before each; NZCV after RNDR -> x3 and
// after RNDRRS -> x5; HVC #33.
    .global s_rndr
s_rndr:
    mov     x9, #0xf0000000
    msr     nzcv, x9
    mrs     x2, rndr
    mrs     x3, nzcv
    msr     nzcv, x9
    mrs     x4, rndrrs
    mrs     x5, nzcv
    hvc     #33
