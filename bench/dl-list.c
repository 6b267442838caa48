/* Loads real libraries, for instruction counts and timings:
 *
 *   dl-list once LIST     dlopen and dlclose each path of the file LIST, one
 *                         per line, in order; prints the microseconds the
 *                         loads took and how many failed
 *   dl-list hold LIST     the same, every library held open to the end
 *   dl-list check PATH    exits 0 if PATH loads (a child of run.sh tries each
 *                         candidate alone, so that a library that cannot load
 *                         or aborts in its constructor is left out)
 *
 * Every dlopen is RTLD_NOW | RTLD_LOCAL, as a host loads a plugin. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	char line[4096];
	struct timespec a, b;
	long failed = 0;
	double us = 0;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: dl-list once|hold LIST | dl-list check PATH\n");
		return 2;
	}
	if (strcmp(argv[1], "check") == 0)
		return dlopen(argv[2], RTLD_NOW | RTLD_LOCAL) ? 0 : 1;
	int hold = strcmp(argv[1], "hold") == 0;
	if (!(f = fopen(argv[2], "r"))) {
		perror(argv[2]);
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &a);
		void *h = dlopen(line, RTLD_NOW | RTLD_LOCAL);
		if (h && !hold)
			dlclose(h);
		clock_gettime(CLOCK_MONOTONIC, &b);
		us += (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
		failed += !h;
	}
	fclose(f);
	printf("%.0f %ld\n", us, failed);
	return 0;
}
