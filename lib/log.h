/* pypin: diagnostics on stderr, each line prefixed "pypin[PID]: ".
 * pypin_debug() writes only when the switch is on (config.c turns it on from
 * the debug setting); pypin_warn() always.  Both keep errno and write each
 * line with a single write(2).  This module knows no setting: it is below
 * config.c, which warns through it. */
#ifndef PYPIN_LOG_H
#define PYPIN_LOG_H

#include <stdatomic.h>

extern atomic_int pypin_log_debug_on;

static inline int pypin_log_debugging(void)
{
	return atomic_load_explicit(&pypin_log_debug_on, memory_order_relaxed);
}

void pypin_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pypin_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The check comes first, inline: with debugging off, a call costs a load. */
#define pypin_debug(...) \
	do { \
		if (pypin_log_debugging()) \
			pypin_log_debug(__VA_ARGS__); \
	} while (0)

#endif
