/* Runs a command N times and reports its wall time and peak RSS:
 *
 *   timeit N COMMAND [ARG]...
 *
 * prints "median_ms min_ms max_ms maxrss_kib ok_runs" (maxrss: the median of
 * the children's ru_maxrss).  The command's output goes to /dev/null. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, ok = 0;

	if (n <= 0) {
		fprintf(stderr, "usage: timeit N COMMAND [ARG]...\n");
		return 2;
	}
	double *ms = calloc((size_t)n, sizeof *ms), *rss = calloc((size_t)n, sizeof *rss);
	for (int i = 0; i < n; i++) {
		struct timespec a, b;
		struct rusage ru;
		int status;

		clock_gettime(CLOCK_MONOTONIC, &a);
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			dup2(fd, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		rss[i] = (double)ru.ru_maxrss;
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	qsort(ms, (size_t)n, sizeof *ms, cmp);
	qsort(rss, (size_t)n, sizeof *rss, cmp);
	printf("%.3f %.3f %.3f %.0f %d\n", ms[n / 2], ms[0], ms[n - 1], rss[n / 2], ok);
	return 0;
}
