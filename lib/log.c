/* pypin: diagnostics on stderr.  See log.h. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

atomic_int pypin_log_debug_on;

static void vlog(const char *kind, const char *fmt, va_list ap)
{
	char line[1024];
	int saved = errno;
	int n = snprintf(line, sizeof line, "pypin[%d]: %s", (int)getpid(), kind);

	if (n < 0)
		goto out;
	int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	if (m < 0)
		goto out;
	n += m;
	if ((size_t)n >= sizeof line - 1)
		n = sizeof line - 2;
	line[n++] = '\n';
	while (write(STDERR_FILENO, line, (size_t)n) < 0 && errno == EINTR)
		;
out:
	errno = saved;
}

void pypin_log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void pypin_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}
