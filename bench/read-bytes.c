/* Bytes pypin's ELF reader reads to decide on each library of a list, by its
 * own counter (see lib/elf.h):
 *
 *   read-bytes LIST       prints "max median count path-of-the-max"
 *
 * Each file is inspected as libpypin.so inspects a library it has not seen:
 * the reader opened on it, and a full verdict. */
#include "elf.h"
#include "verdict.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static unsigned long bytes[1 << 16];
	char line[4096], worst[4096] = "";
	struct pypin_verdict v;
	struct pypin_elf e;
	unsigned long max = 0;
	size_t n = 0;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: read-bytes LIST\n");
		return 2;
	}
	while (n < sizeof bytes / sizeof bytes[0] && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		int fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (pypin_elf_open(&e, fd) == PYPIN_ELF_OK) {
			if (pypin_verdict(&e, PYPIN_SCAN_FULL, &v) == PYPIN_ELF_OK) {
				bytes[n] = (unsigned long)pypin_elf_bytes_read(&e);
				if (bytes[n] > max) {
					max = bytes[n];
					snprintf(worst, sizeof worst, "%s", line);
				}
				n++;
			}
			pypin_elf_close(&e);
		}
		close(fd);
	}
	fclose(f);
	if (n == 0)
		return 1;
	qsort(bytes, n, sizeof bytes[0], cmp);
	printf("%lu %lu %zu %s\n", bytes[n - 1], bytes[n / 2], n, worst);
	return 0;
}
