// A minimal printf: %d %i %u %x %X %p %s %c %%, flags '0' and '-', width, l/ll/z modifiers.
#include "rt.h"

struct out { char* buf; size_t size, len; };

static void emit(struct out* o, char c) {
  if (o->len + 1 < o->size) o->buf[o->len] = c;
  o->len++;
}

static void emit_num(struct out* o, uint64_t v, unsigned base, int upper, int neg, int width,
                     int zero, int left) {
  char tmp[24];
  int n = 0;
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do { tmp[n++] = digits[v % base]; v /= base; } while (v);
  int len = n + (neg ? 1 : 0);
  if (neg && zero) emit(o, '-');
  if (!left) for (; len < width; len++) emit(o, zero ? '0' : ' ');
  if (neg && !zero) emit(o, '-');
  while (n) emit(o, tmp[--n]);
  if (left) for (; len < width; len++) emit(o, ' ');
}

int rt_vsnprintf(char* buf, size_t size, const char* fmt, va_list ap) {
  struct out o = {buf, size, 0};
  for (; *fmt; fmt++) {
    if (*fmt != '%') { emit(&o, *fmt); continue; }
    fmt++;
    int zero = 0, left = 0, width = 0, lng = 0;
    for (;; fmt++) {
      if (*fmt == '0') zero = 1;
      else if (*fmt == '-') left = 1;
      else break;
    }
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l' || *fmt == 'z') { lng++; fmt++; }
    switch (*fmt) {
      case 'd': case 'i': {
        int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
        emit_num(&o, v < 0 ? (uint64_t)-v : (uint64_t)v, 10, 0, v < 0, width, zero, left);
        break;
      }
      case 'u': case 'x': case 'X': {
        uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        emit_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0, width, zero, left);
        break;
      }
      case 'p':
        emit(&o, '0'); emit(&o, 'x');
        emit_num(&o, (uint64_t)va_arg(ap, void*), 16, 0, 0, width, zero, left);
        break;
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (!s) s = "(null)";
        int n = 0;
        while (s[n]) n++;
        if (!left) for (int i = n; i < width; i++) emit(&o, ' ');
        for (int i = 0; i < n; i++) emit(&o, s[i]);
        if (left) for (int i = n; i < width; i++) emit(&o, ' ');
        break;
      }
      case 'c': emit(&o, (char)va_arg(ap, int)); break;
      case '%': emit(&o, '%'); break;
      case 0: fmt--; break;
      default: emit(&o, '%'); emit(&o, *fmt); break;
    }
  }
  if (size) buf[o.len < size ? o.len : size - 1] = 0;
  return (int)o.len;
}

int rt_printf(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = rt_vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  rt_puts(buf);
  return n;
}
