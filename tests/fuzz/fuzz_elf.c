/* libFuzzer target for the ELF reader and the verdict: every input is a file
 * handed to dlopen.  Each run writes the input to a memfd and goes through
 * what libpypin.so does with a library it inspects: probe, open, the verdict
 * both ways, every symbol, every string the dynamic section names, and the
 * libpython checks that read the file again by path.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined by `make fuzz`, and
 * with gcc and replay.c (no libFuzzer) by `make check`, which replays the
 * regression inputs in tests/fuzz/regressions/. */
#include "elf.h"
#include "libpython.h"
#include "verdict.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char memfd_path[64];

static int touch(const struct pypin_elf_sym *s, void *ctx)
{
	size_t *n = ctx;

	*n += strlen(s->name) + s->bind + s->type + (size_t)s->defined;
	return 0;
}

static void strings(const struct pypin_elf *e)
{
	size_t n = 0;
	const char *s;

	for (unsigned i = 0; i < e->nneeded; i++)
		if ((s = pypin_elf_str(e, e->needed[i])))
			n += strlen(s);
	if ((s = pypin_elf_str(e, e->soname)))
		n += strlen(s);
	if ((s = pypin_elf_str(e, e->rpath)))
		n += strlen(s);
	if ((s = pypin_elf_str(e, e->runpath)))
		n += strlen(s);
	(void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pypin_verdict v;
	struct pypin_elf e;
	char what[PYPIN_NAME_MAX + 96], tag[PYPIN_TAG_MAX];
	size_t n = 0;

	if (memfd < 0) {
		memfd = memfd_create("pypin-fuzz", MFD_CLOEXEC);
		if (memfd < 0)
			return 0;
		snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) != 0 || (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
		return 0;

	(void)pypin_elf_probe(memfd);
	if (pypin_elf_open(&e, memfd) != PYPIN_ELF_OK)
		return 0;
	strings(&e);
	if (pypin_verdict(&e, PYPIN_SCAN_NEEDED, &v) == PYPIN_ELF_OK)
		pypin_verdict_describe(&v, what, sizeof what);
	if (pypin_verdict(&e, PYPIN_SCAN_FULL, &v) == PYPIN_ELF_OK)
		pypin_verdict_describe(&v, what, sizeof what);
	(void)pypin_elf_each_undefined(&e, touch, &n);
	(void)pypin_elf_each_symbol(&e, touch, &n);
	(void)pypin_libpython_identify(memfd_path, tag, sizeof tag, NULL, 0);
	(void)pypin_libpython_missing(memfd_path, &e, tag, sizeof tag);
	pypin_elf_close(&e);
	return 0;
}
