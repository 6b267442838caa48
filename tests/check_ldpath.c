/* Unit tests for lib/ldpath.c: the loader's search, predicted. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_pypin.h"
#include "ldpath.h"

/* Writes n bytes of data to a new temporary file; returns its name. */
static char *temp_file(const void *data, size_t n)
{
	static char name[64];
	int fd;

	snprintf(name, sizeof name, "/tmp/pypin-check-cache.XXXXXX");
	fd = mkstemp(name);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
	return name;
}

START_TEST(ld_so_cache)
{
	char out[PATH_MAX], *name;
	unsigned char bad[48 + 24] = "glibc-ld.so.cache1.1";

	/* The real cache lists libc.so.6 (every glibc system has it there). */
	if (access("/etc/ld.so.cache", R_OK) == 0) {
		ck_assert_int_eq(pypin_ldpath_in_cache("/etc/ld.so.cache", "libc.so.6", out,
			sizeof out), 0);
		ck_assert(strstr(out, "/libc.so.6") != NULL);
		ck_assert_int_eq(pypin_ldpath_in_cache("/etc/ld.so.cache", "libpython9.9.so",
			out, sizeof out), -1);
	}
	ck_assert_int_eq(pypin_ldpath_in_cache("/nonexistent", "libc.so.6", out, sizeof out), -1);
	/* More entries than the file holds; an offset past its end. */
	bad[20] = 0xff, bad[21] = 0xff, bad[22] = 0xff, bad[23] = 0x7f;
	name = temp_file(bad, sizeof bad);
	ck_assert_int_eq(pypin_ldpath_in_cache(name, "libc.so.6", out, sizeof out), -1);
	unlink(name);
	memset(bad + 20, 0, 4);
	bad[20] = 1;                                   /* one entry */
	bad[48] = 0x03, bad[49] = 0x03;                /* x86-64 libc6 */
	bad[52] = 0xf0, bad[56] = 0xf0;                /* key, value: out of the file */
	name = temp_file(bad, sizeof bad);
	ck_assert_int_eq(pypin_ldpath_in_cache(name, "libc.so.6", out, sizeof out), -1);
	unlink(name);
	/* Truncated. */
	name = temp_file(bad, 30);
	ck_assert_int_eq(pypin_ldpath_in_cache(name, "libc.so.6", out, sizeof out), -1);
	unlink(name);
}
END_TEST


START_TEST(beside_expands_origin)
{
	struct pypin_elf e;
	char out[PATH_MAX], cwd[PATH_MAX], want[PATH_MAX + 64];
	int fd = open(FIXTURE("tst-conflict-mod1.so"), O_RDONLY);

	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_ldpath_beside(&e, FIXTURE("tst-conflict-mod1.so"),
		"libpython3.99.so.1.0", out, sizeof out), 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(want, sizeof want, "%s/build/fake/libpython3.99.so.1.0", cwd);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(pypin_ldpath_beside(&e, FIXTURE("tst-conflict-mod1.so"),
		"libpython3.11.so.1.0", out, sizeof out), -1);
	/* LD_LIBRARY_PATH counts as the loader read it at start-up, not as set
	 * later (tests/integration.sh has the start-up case). */
	setenv("LD_LIBRARY_PATH", "/nonexistent:build/fake", 1);
	ck_assert_int_eq(pypin_ldpath_beside(&e, "/elsewhere/x.so",
		"libpython3.99.so.1.0", out, sizeof out), -1);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

Suite *ldpath_suite(void)
{
	Suite *s = suite_create("ldpath");
	TCase *tc = tcase_create("ldpath");

	tcase_add_test(tc, ld_so_cache);
	tcase_add_test(tc, beside_expands_origin);
	suite_add_tcase(s, tc);
	return s;
}
