/* pypin: diagnostics on stderr, each line prefixed "pypin[PID]: ".
 * pypin_debug() writes only when PYPIN_DEBUG is on; pypin_warn() always.
 * Both keep errno and write each line with a single write(2). */
#ifndef PYPIN_LOG_H
#define PYPIN_LOG_H

#include "config.h"

void pypin_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pypin_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The check comes first, inline: with debugging off, a call costs a load. */
#define pypin_debug(...) \
	do { \
		if (pypin_config_debug()) \
			pypin_log_debug(__VA_ARGS__); \
	} while (0)

#endif
