/* Unit tests for the ELF reader's read bound: whatever the size of a library,
 * the reader reads at most READ_BOUND bytes of it for a verdict (its own
 * counter, pypin_elf_bytes_read(), says how many), and what it skips changes
 * no answer: the Py symbols it finds by two-byte prefixes are the ones a walk
 * of every undefined name finds, and pypin_elf_defines() agrees with a walk of
 * every symbol. */
#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_pypin.h"
#include "elf.h"
#include "libpython.h"
#include "verdict.h"

#define READ_BOUND (64 * 1024)
#define BIG FIXTURE("readbound/tst-bigtab-mod1.so")
#define SMALL FIXTURE("readbound/tst-bigtab-mod2.so")

/* Undefined global Py symbols, counted over every undefined name. */
static int count_python(const struct pypin_elf_sym *s, void *ctx)
{
	if (pypin_python_undefined(s))
		++*(unsigned *)ctx;
	return 0;
}

/* Undefined symbols of any name. */
static int count_undefined(const struct pypin_elf_sym *s, void *ctx)
{
	if (!s->defined)
		++*(unsigned *)ctx;
	return 0;
}

/* The directory that holds this process's libc: /usr/lib/x86_64-linux-gnu on
 * Debian's x86-64, wherever it is elsewhere. */
static void libc_dir(char *dir, size_t n)
{
	Dl_info info;
	char path[PATH_MAX];

	ck_assert_int_ne(dladdr((void *)printf, &info), 0);
	ck_assert_ptr_nonnull(realpath(info.dli_fname, path));
	snprintf(dir, n, "%s", dirname(path));
}

/* Inspects path as libpypin.so does (a full scan); returns the bytes read, or
 * -1 when the file is no shared object of this machine. */
static long inspect(const char *path, struct pypin_verdict *v, unsigned *nslow)
{
	struct pypin_elf e;
	long n = -1;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	if (pypin_elf_probe(fd) == PYPIN_ELF_OK) {
		ck_assert_msg(pypin_elf_open(&e, fd) == PYPIN_ELF_OK, "%s: not read", path);
		ck_assert_msg(pypin_verdict(&e, PYPIN_SCAN_FULL, v) == PYPIN_ELF_OK,
			      "%s: no verdict", path);
		n = (long)pypin_elf_bytes_read(&e);
		*nslow = 0;
		ck_assert_int_eq(pypin_elf_each_undefined(&e, count_python, nslow), PYPIN_ELF_OK);
		/* Every undefined symbol of the table is among those walked. */
		unsigned walked = 0, all = 0;
		ck_assert_int_eq(pypin_elf_each_undefined(&e, count_undefined, &walked),
				 PYPIN_ELF_OK);
		ck_assert_int_eq(pypin_elf_each_symbol(&e, count_undefined, &all), PYPIN_ELF_OK);
		ck_assert_msg(walked == all, "%s: %u undefined symbols walked of %u", path,
			      walked, all);
		pypin_elf_close(&e);
	}
	close(fd);
	return n;
}

/* Every ELF shared object of the system's library directory. */
START_TEST(system_libraries)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], worst[PATH_MAX + 256] = "";
	struct pypin_verdict v;
	struct dirent *de;
	struct stat st;
	unsigned n = 0, nslow;
	long max = 0;
	DIR *d;

	libc_dir(dir, sizeof dir);
	ck_assert_msg((d = opendir(dir)) != NULL, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || !strstr(de->d_name, ".so"))
			continue;
		long bytes = inspect(path, &v, &nslow);
		if (bytes < 0)
			continue;
		n++;
		ck_assert_msg(bytes <= READ_BOUND, "%s (%lld bytes): %ld bytes read", path,
			      (long long)st.st_size, bytes);
		ck_assert_msg(v.nsyms == nslow || v.need == PYPIN_NEED_SELF ||
			      v.need == PYPIN_NEED_VERSION,
			      "%s: %u Py symbols by prefix, %u by full names", path, v.nsyms, nslow);
		if (bytes > max) {
			max = bytes;
			snprintf(worst, sizeof worst, "%s", path);
		}
	}
	closedir(d);
	/* The walk must have seen the system's libraries, libc among them. */
	ck_assert_msg(n >= 10, "%s: only %u shared objects", dir, n);
	printf("readbound: %u shared objects in %s, at most %ld bytes read (%s)\n", n, dir,
	       max, worst);
}
END_TEST

/* A library of 1.8 MB with 1.3 MB of names (its tables mapped): the two Py
 * symbols are found, and little is read. */
START_TEST(large_string_table)
{
	struct pypin_verdict v;
	struct stat st;
	unsigned nslow;

	ck_assert_int_eq(stat(BIG, &st), 0);
	ck_assert_int_gt(st.st_size, 16 * READ_BOUND);
	long bytes = inspect(BIG, &v, &nslow);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);
	ck_assert_uint_eq(v.nsyms, 2);
	ck_assert_uint_eq(nslow, 2);
	ck_assert_int_le(bytes, READ_BOUND);
	ck_assert_int_gt(bytes, 0);
}
END_TEST

/* The same with tables past the first page (read with a second pread) in a
 * file of less than 64 KiB. */
START_TEST(tables_past_first_page)
{
	struct pypin_verdict v;
	unsigned nslow;

	long bytes = inspect(SMALL, &v, &nslow);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);
	ck_assert_uint_eq(v.nsyms, 2);
	ck_assert_int_le(bytes, READ_BOUND);
}
END_TEST

/* Libraries that export nothing hash no symbol: their undefined symbols lie
 * past the GNU hash table's symoffset, and are all found, whether the table's
 * size comes from DT_HASH (mod2) or from where the next table starts (mod1). */
START_TEST(exports_nothing)
{
	static const char *const mods[] = {
		FIXTURE("readbound/tst-noexport-mod1.so"),
		FIXTURE("readbound/tst-noexport-mod2.so"),
	};
	struct pypin_verdict v;
	unsigned nslow;

	for (unsigned i = 0; i < 2; i++) {
		long bytes = inspect(mods[i], &v, &nslow);
		ck_assert_msg(v.need == PYPIN_NEED_ANY, "%s: no Py symbols found", mods[i]);
		ck_assert_uint_eq(v.nsyms, 2);
		ck_assert_str_eq(v.sym, "Py_Initialize");
		ck_assert_uint_eq(nslow, 2);
		ck_assert_int_le(bytes, READ_BOUND);
	}
}
END_TEST

/* One with more undefined symbols than the reader reads: it says so, rather
 * than give a verdict it cannot stand behind, and stays within the bound. */
START_TEST(exports_nothing_large)
{
	struct pypin_verdict v;
	struct pypin_elf e;
	int fd = open(FIXTURE("readbound/tst-noexport-mod3.so"), O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_verdict(&e, PYPIN_SCAN_FULL, &v), PYPIN_ELF_LARGE);
	ck_assert_int_le(pypin_elf_bytes_read(&e), READ_BOUND);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

struct agree {
	const struct pypin_elf *e;
	unsigned checked, wrong;
	char first_wrong[256];
};

static int check_defined(const struct pypin_elf_sym *s, void *ctx)
{
	struct agree *a = ctx;
	int want = s->defined && (s->bind == STB_GLOBAL || s->bind == STB_WEAK);

	/* An undefined or local entry may share its name with a definition. */
	if (!want)
		return 0;
	a->checked++;
	if (pypin_elf_defines(a->e, s->name) != 1 && a->wrong++ == 0)
		snprintf(a->first_wrong, sizeof a->first_wrong, "%s", s->name);
	return 0;
}

/* pypin_elf_defines() against a walk of every symbol, and with names that are
 * not defined. */
static void defines_agrees(const char *path, unsigned min)
{
	struct pypin_elf e;
	struct agree a = { &e, 0, 0, "" };
	int fd = open(path, O_RDONLY);

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_elf_each_symbol(&e, check_defined, &a), PYPIN_ELF_OK);
	ck_assert_msg(a.wrong == 0, "%s: %u of %u definitions not found, first %s", path,
		      a.wrong, a.checked, a.first_wrong);
	ck_assert_uint_ge(a.checked, min);
	ck_assert_int_eq(pypin_elf_defines(&e, "PyNoSuchFunction_ForPypin"), 0);
	ck_assert_int_eq(pypin_elf_defines(&e, ""), 0);
	pypin_elf_close(&e);
	close(fd);
}

START_TEST(defines_gnu_hash)
{
	char libc[PATH_MAX + 16];
	Dl_info info;

	defines_agrees(BIG, 6000);
	defines_agrees(EMBED, 1);
	ck_assert_int_ne(dladdr((void *)printf, &info), 0);
	snprintf(libc, sizeof libc, "%s", info.dli_fname);
	defines_agrees(libc, 1000);
	if (*PYPIN_DEFAULT_LIBPYTHON)
		defines_agrees(PYPIN_DEFAULT_LIBPYTHON, 1000);
}
END_TEST

START_TEST(defines_sysv_hash)
{
	defines_agrees(FIXTURE("elf/sysv-hash.so"), 1);
}
END_TEST

/* The undefined Py symbols of a plugin are no definitions, and a lookup reads
 * a bucket, a chain and a name, not the table. */
START_TEST(defines_reads_little)
{
	struct pypin_elf e;
	int fd = open(BIG, O_RDONLY);

	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	uint64_t before = pypin_elf_bytes_read(&e);
	ck_assert_int_eq(pypin_elf_defines(&e, "PyLong_FromLong"), 0);
	ck_assert_int_eq(pypin_elf_defines(&e, "readbound_calls"), 1);
	ck_assert_uint_le(pypin_elf_bytes_read(&e) - before, 4096);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

struct image_agree {
	const struct pypin_elf_image *m;
	void *handle;                  /* where dlsym() looks the names up */
	unsigned defined, found, wrong;
	char first_wrong[256];
};

/* A name the image says is defined must be one the loader finds: the check
 * after pinning skips dlsym() for it. */
static int check_image(const struct pypin_elf_sym *s, void *ctx)
{
	struct image_agree *a = ctx;

	if (!s->defined || (s->bind != STB_GLOBAL && s->bind != STB_WEAK))
		return 0;
	a->defined++;
	if (pypin_elf_image_defines(a->m, s->name) != 1)
		return 0;
	a->found++;
	if (!dlsym(a->handle, s->name) && a->wrong++ == 0)
		snprintf(a->first_wrong, sizeof a->first_wrong, "%s", s->name);
	return 0;
}

/* Looks up every definition of the file at path in its loaded image, which
 * holds addr; returns how many were found there, of *defined. */
static unsigned image_agrees(const char *path, const void *addr, void *handle,
	unsigned *defined)
{
	struct pypin_elf_image m;
	struct pypin_elf e;
	struct image_agree a = { &m, handle, 0, 0, 0, "" };
	int fd = open(path, O_RDONLY);

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	ck_assert_int_eq(pypin_elf_image_of(&m, addr), 0);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_elf_each_symbol(&e, check_image, &a), PYPIN_ELF_OK);
	ck_assert_msg(a.wrong == 0, "%s: %u names found in memory that dlsym() does not find, "
		      "first %s", path, a.wrong, a.first_wrong);
	ck_assert_int_eq(pypin_elf_image_defines(&m, "PyNoSuchFunction_ForPypin"), 0);
	ck_assert_int_eq(pypin_elf_image_defines(&m, ""), 0);
	pypin_elf_close(&e);
	close(fd);
	ck_assert_uint_gt(a.defined, 0);
	*defined = a.defined;
	return a.found;
}

/* The in-memory lookup of the check after pinning: libc (with symbol
 * versions, hidden ones among them) and a libpython (without): what it finds
 * the loader finds, and in a libpython it finds every definition. */
START_TEST(image_lookup)
{
	char libc[PATH_MAX];
	Dl_info info;
	unsigned defined;
	int local;

	ck_assert_int_ne(dladdr((void *)printf, &info), 0);
	snprintf(libc, sizeof libc, "%s", info.dli_fname);
	ck_assert_uint_gt(image_agrees(libc, (void *)printf, RTLD_DEFAULT, &defined), 1000);

	struct pypin_elf_image m;
	ck_assert_int_eq(pypin_elf_image_of(&m, NULL), -1);
	ck_assert_int_eq(pypin_elf_image_of(&m, &local), -1);
	ck_assert_int_eq(pypin_elf_image_defines(&m, "printf"), 0);

	if (!*PYPIN_DEFAULT_LIBPYTHON)
		return;
	void *h = dlopen(PYPIN_DEFAULT_LIBPYTHON, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(h != NULL, "%s", dlerror());
	void *fn = dlsym(h, "Py_IsInitialized");
	ck_assert_ptr_nonnull(fn);
	struct pypin_elf_image py;
	ck_assert_int_eq(pypin_elf_image_of(&py, fn), 0);
	ck_assert_int_eq(pypin_elf_image_defines(&py, "Py_IsInitialized"), 1);
	ck_assert_int_eq(pypin_elf_image_defines(&py, "PyLong_FromLong"), 1);
	unsigned found = image_agrees(PYPIN_DEFAULT_LIBPYTHON, fn, h, &defined);
	ck_assert_uint_gt(found, 1000);
	ck_assert_uint_eq(found, defined);
}
END_TEST

/* The check after pinning looks names up in the object Python lives in, then
 * asks the loader: a name another global library defines is resolved, and
 * one nothing defines is named. */
START_TEST(unresolved_elsewhere)
{
	struct pypin_elf e;
	char sym[256] = "";
	int fd = open(FIXTURE("readbound/tst-extra-mod2.so"), O_RDONLY);

	if (!*PYPIN_DEFAULT_LIBPYTHON)
		return;
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_msg(dlopen(PYPIN_DEFAULT_LIBPYTHON, RTLD_NOW | RTLD_GLOBAL), "%s", dlerror());
	ck_assert_int_eq(pypin_libpython_unresolved(&e, sym, sizeof sym), 1);
	ck_assert_str_eq(sym, "PyPypinExtra_Value");
	ck_assert_msg(dlopen(FIXTURE("readbound/tst-extra-mod1.so"), RTLD_NOW | RTLD_GLOBAL),
		      "%s", dlerror());
	ck_assert_int_eq(pypin_libpython_unresolved(&e, sym, sizeof sym), 0);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

Suite *readbound_suite(void)
{
	Suite *s = suite_create("readbound");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, system_libraries);
	tcase_add_test(tc, large_string_table);
	tcase_add_test(tc, tables_past_first_page);
	tcase_add_test(tc, exports_nothing);
	tcase_add_test(tc, exports_nothing_large);
	tcase_add_test(tc, defines_gnu_hash);
	tcase_add_test(tc, defines_sysv_hash);
	tcase_add_test(tc, defines_reads_little);
	tcase_add_test(tc, image_lookup);
	tcase_add_test(tc, unresolved_elsewhere);
	suite_add_tcase(s, tc);
	return s;
}
