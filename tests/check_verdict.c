/* Unit tests for lib/verdict.c: verdicts on real fixtures (the names they
 * rest on: check_pyname.c). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check_pypin.h"
#include "verdict.h"

static struct pypin_verdict verdict_of(const char *path, enum pypin_scan how)
{
	struct pypin_verdict v;
	struct pypin_elf e;
	int fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "%s", path);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_verdict(&e, how, &v), PYPIN_ELF_OK);
	pypin_elf_close(&e);
	close(fd);
	return v;
}

START_TEST(verdicts)
{
	struct pypin_verdict v;
	char buf[160];

	v = verdict_of(PLAIN, PYPIN_SCAN_FULL);
	ck_assert_int_eq(v.need, PYPIN_NEED_NONE);
	v = verdict_of(EMBED, PYPIN_SCAN_FULL);
	ck_assert_int_eq(v.need, PYPIN_NEED_VERSION);
	ck_assert_str_eq(v.name, "libpython3.11.so.1.0");
	ck_assert_str_eq(v.tag, "3.11");
	ck_assert_str_eq(pypin_verdict_describe(&v, buf, sizeof buf),
			 "needs libpython3.11.so.1.0 (DT_NEEDED)");
	v = verdict_of(NOLINK, PYPIN_SCAN_FULL);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);
	ck_assert_uint_ge(v.nsyms, 5);
	ck_assert(pypin_is_python_symbol(v.sym));
	v = verdict_of(NOLINK, PYPIN_SCAN_NEEDED);
	ck_assert_int_eq(v.need, PYPIN_NEED_NONE);
	v = verdict_of(FIXTURE("tst-embed-shim-mod1.so"), PYPIN_SCAN_FULL);
	ck_assert_int_eq(v.need, PYPIN_NEED_VERSION);
	ck_assert_str_eq(v.tag, "3");
	v = verdict_of(FIXTURE("tst-weak-mod1.so"), PYPIN_SCAN_FULL);
	ck_assert_int_eq(v.need, PYPIN_NEED_NONE);
	v = verdict_of(FIXTURE("fake/libpython3.99.so.1.0"), PYPIN_SCAN_FULL);
	ck_assert_int_eq(v.need, PYPIN_NEED_SELF);
	ck_assert_str_eq(v.tag, "3.99");
	v = verdict_of(FIXTURE("shim/libpython3.so"), PYPIN_SCAN_FULL);
	ck_assert_int_eq(v.need, PYPIN_NEED_VERSION);      /* the shim names its libpython */
	ck_assert_str_eq(v.tag, "3.11");
	v = verdict_of(FIXTURE("tst-conflict-mod1.so"), PYPIN_SCAN_NEEDED);
	ck_assert_int_eq(v.need, PYPIN_NEED_VERSION);
	ck_assert_str_eq(v.tag, "3.99");
}
END_TEST

START_TEST(real_libpython_is_itself)
{
	if (!*PYPIN_DEFAULT_LIBPYTHON)
		ck_abort_msg("built without a default libpython (DEFAULT_LIBPYTHON): nothing to judge");
	struct pypin_verdict v = verdict_of(PYPIN_DEFAULT_LIBPYTHON, PYPIN_SCAN_FULL);
	ck_assert_int_eq(v.need, PYPIN_NEED_SELF);
}
END_TEST

Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("fixtures");
	tcase_add_test(tc, verdicts);
	tcase_add_test(tc, real_libpython_is_itself);
	suite_add_tcase(s, tc);
	return s;
}
