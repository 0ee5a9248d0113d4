// A minimal flattened device tree reader (Devicetree Specification v0.4, chapter 5): enough
// for a guest to find its devices and parameters in the DTB the VMM passes in X0.
#include "rt.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

static const uint8_t* fdt;

static uint32_t be32(const uint8_t* p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t be64(const uint8_t* p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }
static size_t str_len(const char* s) { size_t n = 0; while (s[n]) n++; return n; }
static int str_eq(const char* a, const char* b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}
static const uint8_t* align4(const uint8_t* p) { return (const uint8_t*)(((uintptr_t)p + 3) & ~(uintptr_t)3); }

int rt_dt_init(uint64_t dtb) {
  // Only RAM can hold it (the VMM places it there); anything else is not a DTB.
  if (dtb < RT_RAM_BASE || (dtb & 7)) return 0;
  const uint8_t* p = (const uint8_t*)(uintptr_t)dtb;
  if (be32(p) != FDT_MAGIC) return 0;
  fdt = p;
  return 1;
}

int rt_dt_present(void) { return fdt != 0; }

// The token at p (NOPs skipped); *next is what follows it.
static uint32_t token(const uint8_t* p, const uint8_t** next) {
  uint32_t t;
  while ((t = be32(p)) == FDT_NOP) p += 4;
  p += 4;
  if (t == FDT_BEGIN_NODE) p = align4(p + str_len((const char*)p) + 1);
  else if (t == FDT_PROP) p = align4(p + 8 + be32(p));
  *next = p;
  return t;
}

// Property `name` of the node whose first property token is at `node` (not its children).
static const uint8_t* node_prop(const uint8_t* node, const char* name, uint32_t* len) {
  const char* strings = (const char*)fdt + be32(fdt + 12);
  for (const uint8_t* p = node;;) {
    const uint8_t* at = p;
    while (be32(at) == FDT_NOP) at += 4;
    if (token(p, &p) != FDT_PROP) return 0;
    if (str_eq(strings + be32(at + 8), name)) {
      if (len) *len = be32(at + 4);
      return at + 12;
    }
  }
}

// Does a string list (compatible) of `len` bytes hold `s`?
static int list_has(const char* list, uint32_t len, const char* s) {
  for (uint32_t off = 0; off < len; off += (uint32_t)str_len(list + off) + 1)
    if (str_eq(list + off, s)) return 1;
  return 0;
}

// The first node named `name` (up to its '@') or, if name is 0, holding `compatible`.
static const uint8_t* find_node(const char* name, const char* compatible) {
  if (!fdt) return 0;
  for (const uint8_t* p = fdt + be32(fdt + 8);;) {
    const uint8_t* at = p;
    while (be32(at) == FDT_NOP) at += 4;
    const uint32_t t = token(p, &p);
    if (t == FDT_END) return 0;
    if (t != FDT_BEGIN_NODE) continue;
    const char* n = (const char*)at + 4;
    if (name) {
      size_t i = 0;
      while (name[i] && n[i] == name[i]) i++;
      if (!name[i] && (n[i] == 0 || n[i] == '@')) return p;
    } else {
      uint32_t len;
      const char* c = (const char*)node_prop(p, "compatible", &len);
      if (c && list_has(c, len, compatible)) return p;
    }
  }
}

uint64_t rt_dt_reg(const char* compatible, unsigned index) {
  uint32_t len;
  const uint8_t* node = find_node(0, compatible);
  const uint8_t* reg = node ? node_prop(node, "reg", &len) : 0;
  // Root #address-cells = #size-cells = 2, as the VMM writes it: 16 bytes per (base, size).
  if (!reg || len < 16 * (index + 1)) return 0;
  return be64(reg + 16 * index);
}

unsigned rt_dt_chosen_u64s(const char* prop, uint64_t* out, unsigned max) {
  uint32_t len;
  const uint8_t* chosen = find_node("chosen", 0);
  const uint8_t* v = chosen ? node_prop(chosen, prop, &len) : 0;
  if (!v) return 0;
  unsigned n = 0;
  for (; n < max && 8 * (n + 1) <= len; n++) out[n] = be64(v + 8 * n);
  return n;
}
