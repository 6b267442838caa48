/* Repeats one dlopen pattern, for instruction counts and timings:
 *
 *   dl-loop fresh N LIB      N × (dlopen LIB; dlclose): LIB is loaded and
 *                            unloaded every time
 *   dl-loop loaded N LIB     LIB held open, then N × (dlopen LIB; dlclose):
 *                            the loader's reference-count path
 *   dl-loop distinct N LIB   dlopen and dlclose LIB.0 ... LIB.(N-1), each once:
 *                            libraries never seen before
 *   dl-loop threads N LIB T  T threads, thread i N × (dlopen LIB.i; dlclose),
 *                            each its own copy, so that every load is fresh;
 *                            prints the loads per second
 *
 * Exits 1 on the first failed dlopen. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long n;
static const char *lib;

static void *cycle(void *arg)
{
	const char *name = arg ? arg : lib;

	for (long i = 0; i < n; i++) {
		void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			fprintf(stderr, "dl-loop: %s\n", dlerror());
			exit(1);
		}
		dlclose(h);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: dl-loop fresh|loaded|distinct|threads N LIB [THREADS]\n");
		return 2;
	}
	n = atol(argv[2]);
	lib = argv[3];
	if (strcmp(argv[1], "loaded") == 0 && !dlopen(lib, RTLD_NOW | RTLD_LOCAL)) {
		fprintf(stderr, "dl-loop: %s\n", dlerror());
		return 1;
	}
	if (strcmp(argv[1], "distinct") == 0) {
		char name[4096];
		for (long i = 0; i < n; i++) {
			snprintf(name, sizeof name, "%s.%ld", lib, i);
			void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
			if (!h) {
				fprintf(stderr, "dl-loop: %s\n", dlerror());
				return 1;
			}
			dlclose(h);
		}
		return 0;
	}
	if (strcmp(argv[1], "threads") != 0) {
		cycle(NULL);
		return 0;
	}

	int t = argc > 4 ? atoi(argv[4]) : 8;
	pthread_t *tid = calloc((size_t)t, sizeof *tid);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	char (*names)[4096] = calloc((size_t)t, sizeof *names);
	for (int i = 0; i < t; i++)
		snprintf(names[i], sizeof names[i], "%s.%d", lib, i);
	for (int i = 0; i < t; i++)
		pthread_create(&tid[i], NULL, cycle, names[i]);
	for (int i = 0; i < t; i++)
		pthread_join(tid[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%.0f\n", (double)n * t / s);
	return 0;
}
