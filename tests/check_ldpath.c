/* Unit tests for lib/ldpath.c: the loader's search, predicted, and the
 * secure-execution flag, read in one place. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_pypin.h"
#include "config.h"
#include "ldpath.h"

/* glibc's own, which getauxval() below stands in front of. */
unsigned long __getauxval(unsigned long type);

/* AT_SECURE, counted and fakeable.  lib/ is linked into this program, so
 * its calls of getauxval() come here before libc's. */
static unsigned secure_reads;
static int fake_secure = -1;          /* -1: the real value */

unsigned long getauxval(unsigned long type)
{
	if (type == AT_SECURE) {
		secure_reads++;
		if (fake_secure >= 0)
			return (unsigned long)fake_secure;
	}
	return __getauxval(type);
}

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

START_TEST(which_file_dlopen_loads)
{
	char out[PATH_MAX];

	/* From the test program's search path, or else the cache. */
	ck_assert_int_eq(pypin_ldpath_which("libc.so.6", (const void *)temp_file, out,
		sizeof out), 0);
	ck_assert(out[0] == '/' && strstr(out, "/libc.so.6") != NULL);
	ck_assert_int_eq(pypin_ldpath_which("build/x.so", NULL, out, sizeof out), 0);
	ck_assert_str_eq(out, "build/x.so");
	ck_assert_int_eq(pypin_ldpath_which("libpypin-none-such.so.9", (const void *)temp_file,
		out, sizeof out), -1);
}
END_TEST

START_TEST(secure_flag_read_once)
{
	struct pypin_elf e;
	char out[PATH_MAX];
	int fd = open(FIXTURE("tst-conflict-mod1.so"), O_RDONLY);
	int secure = pypin_secure();
	unsigned reads = secure_reads;

	ck_assert_int_eq(secure, __getauxval(AT_SECURE) != 0);
	ck_assert_uint_le(reads, 1);
	/* Every reader of the flag asks pypin_secure(), which does not read it
	 * again: the configuration, and the search that expands $ORIGIN and
	 * reads LD_LIBRARY_PATH. */
	pypin_config_load();
	ck_assert_int_eq(pypin_config.secure, secure);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	pypin_ldpath_beside(&e, FIXTURE("tst-conflict-mod1.so"), "libpython3.99.so.1.0", out,
		sizeof out);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(pypin_secure(), secure);
	ck_assert_uint_eq(secure_reads, reads);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

/* A copy of tst-conflict-mod1.so in its own directory d, whose RUNPATH
 * $ORIGIN/fake becomes /$ORIGIN/fak: $ORIGIN not first, which the loader
 * drops in secure-execution mode and expands otherwise.  d/fak holds
 * libpython3.99.so.1.0.  Returns the copy's path. */
static const char *origin_not_first(char *d)
{
	static char path[PATH_MAX];
	char lib[PATH_MAX], target[PATH_MAX], *data, *at;
	struct stat st;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(d));
	ck_assert_int_eq(stat(FIXTURE("tst-conflict-mod1.so"), &st), 0);
	ck_assert_ptr_nonnull(data = malloc((size_t)st.st_size));
	ck_assert_ptr_nonnull(f = fopen(FIXTURE("tst-conflict-mod1.so"), "rb"));
	ck_assert_uint_eq(fread(data, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	ck_assert_ptr_nonnull(at = memmem(data, (size_t)st.st_size, "$ORIGIN/fake", 13));
	memcpy(at, "/$ORIGIN/fak", 13);
	snprintf(path, sizeof path, "%s/p.so", d);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(data, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	free(data);
	snprintf(lib, sizeof lib, "%s/fak", d);
	ck_assert_int_eq(mkdir(lib, 0755), 0);
	snprintf(lib, sizeof lib, "%s/fak/libpython3.99.so.1.0", d);
	ck_assert_ptr_nonnull(realpath(FIXTURE("fake/libpython3.99.so.1.0"), target));
	ck_assert_int_eq(symlink(target, lib), 0);
	return path;
}

static void remove_origin_not_first(const char *d)
{
	char p[PATH_MAX];

	snprintf(p, sizeof p, "%s/fak/libpython3.99.so.1.0", d);
	unlink(p);
	snprintf(p, sizeof p, "%s/fak", d);
	rmdir(p);
	snprintf(p, sizeof p, "%s/p.so", d);
	unlink(p);
	rmdir(d);
}

/* One reading decides for every reader: with the flag faked (each test runs
 * in a child of its own that has not read it yet), the configuration and the
 * loader's search follow it together. */
static void one_for_all(int secure)
{
	char d[] = "/tmp/pypin-check-ldpath.XXXXXX", out[PATH_MAX];
	const char *plugin;
	struct pypin_elf e;
	int fd;

	if (secure_reads > 0 && pypin_secure() != secure)
		return;                       /* read already (CK_FORK=no) */
	fake_secure = secure;
	plugin = origin_not_first(d);
	fd = open(plugin, O_RDONLY);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	pypin_config_load();
	ck_assert_int_eq(pypin_config.secure, secure);
	ck_assert_int_eq(pypin_ldpath_beside(&e, plugin, "libpython3.99.so.1.0", out, sizeof out),
		secure ? -1 : 0);
	if (!secure)
		ck_assert(strstr(out, "/fak/libpython3.99.so.1.0") != NULL);
	ck_assert_uint_eq(secure_reads, 1);
	fake_secure = -1;
	pypin_elf_close(&e);
	close(fd);
	remove_origin_not_first(d);
}

START_TEST(secure_flag_one_for_all)
{
	one_for_all(1);
}
END_TEST

START_TEST(secure_flag_one_for_all_off)
{
	one_for_all(0);
}
END_TEST

Suite *ldpath_suite(void)
{
	Suite *s = suite_create("ldpath");
	TCase *tc = tcase_create("ldpath");

	tcase_add_test(tc, ld_so_cache);
	tcase_add_test(tc, beside_expands_origin);
	tcase_add_test(tc, which_file_dlopen_loads);
	tcase_add_test(tc, secure_flag_read_once);
	tcase_add_test(tc, secure_flag_one_for_all);
	tcase_add_test(tc, secure_flag_one_for_all_off);
	suite_add_tcase(s, tc);
	return s;
}
