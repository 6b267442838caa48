/* pypin-inspect: what its subcommands share: the error line, the plugin
 * file, the dlopen in use, and reading a child's report under the trial's
 * time limit.
 */
#include "inspect.h"
#include "ldpath.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int pypin_tool_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pypin: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* Opens PLUGIN as given (a path, relative to the current directory when it has
 * no '/'): explain and check are about a file, not a search. */
int pypin_open_plugin(const char *arg, char *path, size_t pathsz)
{
	char real[PATH_MAX];
	int fd;

	errno = 0;
	if (!realpath(arg, real) || strlen(real) >= pathsz) {
		pypin_tool_error("%s: %s", arg, errno ? strerror(errno) : "path too long");
		return -1;
	}
	strcpy(path, real);
	errno = 0;
	fd = pypin_open_regular(path);
	if (fd < 0)
		pypin_tool_error("%s: %s", arg, errno ? strerror(errno) : "not a regular file");
	return fd;
}

/* The file of the object whose dlopen this process calls, or NULL. */
const char *pypin_interposer(void)
{
	void *fn = dlsym(RTLD_DEFAULT, "dlopen");
	Dl_info info;

	if (!fn || !dladdr(fn, &info) || !info.dli_fname || !*info.dli_fname)
		return NULL;
	return info.dli_fname;
}

/* How long a trial may take before it is stopped (--timeout). */
unsigned pypin_trial_limit = 60;

/* Reads fd to its end, so that the child writing it never blocks on a full
 * pipe, keeping the first cap bytes in buf (which has room for cap + 1) with a
 * NUL after them.  Returns how many were kept; *cut says whether more came.
 * For a trial (pid > 0) it gives up, killing pid and setting *timed_out, when
 * nothing ends it within the time limit and a grace of a few seconds. */
size_t pypin_read_all(int fd, char *buf, size_t cap, int *cut, pid_t pid, int *timed_out)
{
	struct timespec start, now;
	char sink[512];
	size_t len = 0;
	ssize_t n;

	*cut = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = -1;
		if (pid > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = ((long)pypin_trial_limit + 5 - (now.tv_sec - start.tv_sec)) * 1000;
			if (left <= 0) {
				kill(pid, SIGKILL);
				*timed_out = 1;
				break;
			}
		}
		if (poll(&p, 1, left < 0 ? -1 : (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!p.revents)
			continue;
		int keep = len < cap;
		n = read(fd, keep ? buf + len : sink, keep ? cap - len : sizeof sink);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (keep)
			len += (size_t)n;
		else
			*cut = 1;
	}
	buf[len] = '\0';
	return len;
}

/* A dotted Python identifier (ASCII): safe to quote into the trial script. */
int pypin_module_name_ok(const char *s)
{
	int start = 1;

	for (; *s; s++) {
		if (*s == '.' && !start)
			start = 1;
		else if (*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			 (!start && *s >= '0' && *s <= '9'))
			start = 0;
		else
			return 0;
	}
	return !start;
}
