// uint64_t compute_loop(uint64_t iterations, uint64_t seed): 8 instructions per iteration,
// ALU only: the instruction count is 8 * iterations + 4 (the mov, the cbz and the ret, plus
// the final mov).
    .text
    .global compute_loop
    .global compute_loop_body
compute_loop:
    mov     x2, x1
    cbz     x0, 2f
compute_loop_body:
1:  add     x2, x2, #3
    eor     x2, x2, x0
    lsl     x3, x2, #1
    orr     x2, x3, x2, lsr #63
    sub     x2, x2, #1
    mul     x2, x2, x1
    subs    x0, x0, #1
    b.ne    1b
2:  mov     x0, x2
    ret
