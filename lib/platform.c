/* pypin: the loader's $PLATFORM.  See platform.h.
 *
 * glibc (2.26 and later, sysdeps/x86/cpu-features.c) starts from AT_PLATFORM
 * and, on x86, replaces it from the CPU's features as it sees them usable:
 *   x86-64, Intel only: "xeon_phi" with AVX512CD, AVX512ER and AVX512PF, else
 *     "haswell" with AVX2, FMA, BMI1, BMI2, LZCNT, MOVBE and POPCNT;
 *   i386: "i686" with CMOV, else "i586" with CMPXCHG8B.
 * The same rule is applied here, from CPUID and XGETBV.  (A glibc.cpu.hwcaps
 * tunable that masks one of these features changes the loader's answer and
 * not this one.)
 */
#include "platform.h"

#include <string.h>
#include <sys/auxv.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

struct regs { unsigned a, b, c, d; };

static int leaf(unsigned l, unsigned sub, struct regs *r)
{
	return __get_cpuid_count(l, sub, &r->a, &r->b, &r->c, &r->d);
}

#define BIT(x, n) (((x) >> (n)) & 1u)
#endif

#if defined(__x86_64__)
/* The extended state the kernel enabled (XCR0); 0 without OSXSAVE. */
static unsigned long long xcr0(const struct regs *l1)
{
	unsigned lo, hi;

	if (!BIT(l1->c, 27))
		return 0;
	__asm__ volatile ("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (unsigned long long)hi << 32 | lo;
}

static const char *x86_64_platform(void)
{
	struct regs v, l1, l7, e1;

	if (!leaf(0, 0, &v) || v.b != 0x756e6547 || v.d != 0x49656e69 || v.c != 0x6c65746e)
		return NULL;                  /* not GenuineIntel */
	if (v.a < 7 || !leaf(1, 0, &l1) || !leaf(7, 0, &l7))
		return NULL;
	if (!leaf(0x80000001, 0, &e1))
		e1.c = 0;
	unsigned long long x = xcr0(&l1);
	int avx = BIT(l1.c, 28) && (x & 0x6) == 0x6;           /* XMM and YMM state */
	int avx512 = avx && BIT(l7.b, 16) && (x & 0xe0) == 0xe0; /* opmask, ZMM */

	if (avx512 && BIT(l7.b, 28) && BIT(l7.b, 27) && BIT(l7.b, 26))
		return "xeon_phi";
	if (avx && BIT(l7.b, 5) && BIT(l1.c, 12) &&              /* AVX2, FMA */
	    BIT(l7.b, 3) && BIT(l7.b, 8) && BIT(e1.c, 5) &&      /* BMI1, BMI2, LZCNT */
	    BIT(l1.c, 22) && BIT(l1.c, 23))                      /* MOVBE, POPCNT */
		return "haswell";
	return NULL;
}
#elif defined(__i386__)
static const char *i386_platform(void)
{
	struct regs l1;

	if (!leaf(1, 0, &l1))
		return NULL;
	return BIT(l1.d, 15) ? "i686" : BIT(l1.d, 8) ? "i586" : NULL;
}
#endif

const char *pypin_platform(void)
{
	const char *p = NULL;

#if defined(__x86_64__)
	p = x86_64_platform();
#elif defined(__i386__)
	p = i386_platform();
#endif
	if (!p)
		p = (const char *)getauxval(AT_PLATFORM);
	return p && *p ? p : NULL;
}
