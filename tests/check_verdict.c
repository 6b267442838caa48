/* Unit tests for lib/verdict.c: names, symbols, and verdicts on real fixtures. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check_pypin.h"
#include "verdict.h"

static const struct { const char *name, *tag; } names[] = {
	{ "libpython3.11.so.1.0", "3.11" }, { "libpython3.11.so", "3.11" },
	{ "libpython3.so", "3" }, { "libpython3.13t.so.1.0", "3.13t" },
	{ "libpython3.11d.so.1.0", "3.11d" }, { "libpython2.7.so.1.0", "2.7" },
	{ "libpython.so", NULL }, { "libpythonX.so", NULL }, { "libpython3.11.sox", NULL },
	{ "libpython3.11", NULL }, { "python3.11.so", NULL }, { "libpython3.1 1.so", NULL },
	{ "libpython3.11.so.1.0/", "3.11" }, { "", NULL },
	{ "libpython3.1111111111111111111.so", NULL },
};

START_TEST(libpython_names)
{
	char tag[PYPIN_TAG_MAX];
	int is = pypin_libpython_tag(names[_i].name, tag, sizeof tag);
	ck_assert_msg(is == (names[_i].tag != NULL), "%s", names[_i].name);
	if (is)
		ck_assert_str_eq(tag, names[_i].tag);
}
END_TEST

START_TEST(python_symbols)
{
	static const char *yes[] = { "Py_Initialize", "PyObject_Call", "_Py_Dealloc",
		"_PyObject_GC_New", "Py_", "PyExc_RecursionError", "_Py_NoneStruct" };
	static const char *no[] = { "Pylon_init", "_Python", "Py", "PY_X", "py_x", "",
		"__Py_x", "xPy_Initialize", "_" };
	for (unsigned i = 0; i < sizeof yes / sizeof *yes; i++)
		ck_assert_msg(pypin_is_python_symbol(yes[i]), "%s", yes[i]);
	for (unsigned i = 0; i < sizeof no / sizeof *no; i++)
		ck_assert_msg(!pypin_is_python_symbol(no[i]), "%s", no[i]);
}
END_TEST

START_TEST(tags_compatible)
{
	ck_assert(pypin_tag_compatible("3.11", "3.11"));
	ck_assert(pypin_tag_compatible("3.11", "3"));
	ck_assert(pypin_tag_compatible("3.13t", "3"));
	ck_assert(!pypin_tag_compatible("3.12", "3.11"));
	ck_assert(!pypin_tag_compatible("3.11", "3.1"));
	ck_assert(!pypin_tag_compatible("3.13t", "3.13"));
	ck_assert(!pypin_tag_compatible("2.7", "3"));
	ck_assert(!pypin_tag_compatible("31.1", "3"));
}
END_TEST

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
	TCase *tc = tcase_create("names");
	tcase_add_loop_test(tc, libpython_names, 0, sizeof names / sizeof names[0]);
	tcase_add_test(tc, python_symbols);
	tcase_add_test(tc, tags_compatible);
	suite_add_tcase(s, tc);
	tc = tcase_create("fixtures");
	tcase_add_test(tc, verdicts);
	tcase_add_test(tc, real_libpython_is_itself);
	suite_add_tcase(s, tc);
	return s;
}
