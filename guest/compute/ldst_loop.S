// uint64_t ldst_loop(uint64_t passes, uint64_t* buffer, uint64_t bytes): `passes` passes over
// `bytes` (a non-zero multiple of 64) at `buffer`; the first word of each 64-byte line is
// loaded, added to, stored and loaded back (2 loads and 1 store per 7 instructions).
// Instruction count: 1 + passes * (2 + 7 * bytes / 64 + 2) + 2 (the mov, the passes, the final
// mov and ret). Returns a hash of what was read.
    .text
    .global ldst_loop
    .global ldst_loop_body
ldst_loop:
    mov     x4, x0
2:  mov     x5, x1
    mov     x6, x2
ldst_loop_body:
1:  ldr     x7, [x5]
    add     x7, x7, x4
    str     x7, [x5], #64
    ldur    x8, [x5, #-64]
    eor     x4, x8, x4, ror #13
    subs    x6, x6, #64
    b.ne    1b
    subs    x0, x0, #1
    b.ne    2b
    mov     x0, x4
    ret
