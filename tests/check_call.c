/* Unit tests for lib/real.c and lib/call.c: the real functions as
 * pypin_init() records them, the calls that pass straight through, pypin's
 * own loads, and the dlerror state (no real dlopen; a refusal standing for
 * the loader's error).  Each test runs in a process of its own (Check forks),
 * so each starts before pypin_init(). */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "call.h"
#include "check_pypin.h"
#include "real.h"
#include "refusal.h"

static const char *fake_error;
static const char *opened;
static int opened_mode;

static void *fake_dlopen(const char *file, int mode)
{
	opened = file;
	opened_mode = mode;
	return NULL;
}

static char *fake_dlerror(void)
{
	return (char *)fake_error;
}

static const char here;                   /* the caller's address */

START_TEST(without_the_real_dlopen_every_call_fails_once_reported)
{
	ck_assert_ptr_null(pypin_real_dlopen());
	pypin_dlopen_fn fn = pypin_prepare("libm.so.6", RTLD_NOW, &here);
	errno = 1234;
	ck_assert_ptr_null(fn("libm.so.6", RTLD_NOW));
	ck_assert_int_eq(errno, 1234);
	ck_assert_str_eq(pypin_dlerror(), "pypin: the real dlopen was not found");
	ck_assert_ptr_null(pypin_dlerror());      /* reported once, as the loader does */
}
END_TEST

START_TEST(init_records_the_real_functions)
{
	pypin_init(fake_dlopen, fake_dlerror);
	ck_assert_ptr_eq(pypin_real_dlopen(), fake_dlopen);
	ck_assert_ptr_eq(pypin_real_dlerror(), fake_dlerror);
	ck_assert(!pypin_own_load());
}
END_TEST

START_TEST(what_the_loader_decides_alone_passes_straight_through)
{
	pypin_init(fake_dlopen, fake_dlerror);
	ck_assert_ptr_eq(pypin_prepare(NULL, RTLD_NOW, &here), fake_dlopen);
	ck_assert_ptr_eq(pypin_prepare("", RTLD_NOW, &here), fake_dlopen);
	ck_assert_ptr_eq(pypin_prepare(PLAIN, RTLD_NOW | RTLD_NOLOAD, &here), fake_dlopen);
	ck_assert_ptr_eq(pypin_prepare(PLAIN, RTLD_GLOBAL, &here), fake_dlopen);
	ck_assert_ptr_null(opened);               /* prepare itself loads nothing here */
}
END_TEST

START_TEST(own_loads_pass_straight_through)
{
	pypin_init(fake_dlopen, fake_dlerror);
	pypin_enter();
	ck_assert(pypin_own_load());
	pypin_enter();
	pypin_leave();
	ck_assert(pypin_own_load());
	ck_assert_ptr_eq(pypin_prepare(EMBED, RTLD_NOW, &here), fake_dlopen);
	pypin_leave();
	ck_assert(!pypin_own_load());
}
END_TEST

START_TEST(the_loader_error_of_a_refusal_is_replaced_by_its_text)
{
	pypin_init(fake_dlopen, fake_dlerror);
	/* The failed load that stands for a refusal; this thread kept no text
	 * (it has no block): the text without details. */
	fake_error = "/dev/null/pypin-refused: cannot open shared object file: Not a directory";
	ck_assert_str_eq(pypin_dlerror(), pypin_refusal_text(&(struct pypin_refusal){
		.reason = PYPIN_REFUSAL_ANOTHER_PYTHON }, NULL, 0));
	/* Any other error is the loader's, as it is. */
	fake_error = "/x.so: cannot open shared object file: No such file or directory";
	ck_assert_ptr_eq(pypin_dlerror(), fake_error);
	fake_error = NULL;
	ck_assert_ptr_null(pypin_dlerror());
	/* A name that only begins like the mark is not one. */
	fake_error = "/dev/null/pypin-refused-not";
	ck_assert_ptr_eq(pypin_dlerror(), fake_error);
}
END_TEST

Suite *call_suite(void)
{
	Suite *s = suite_create("call");
	TCase *tc = tcase_create("call");

	tcase_add_test(tc, without_the_real_dlopen_every_call_fails_once_reported);
	tcase_add_test(tc, init_records_the_real_functions);
	tcase_add_test(tc, what_the_loader_decides_alone_passes_straight_through);
	tcase_add_test(tc, own_loads_pass_straight_through);
	tcase_add_test(tc, the_loader_error_of_a_refusal_is_replaced_by_its_text);
	suite_add_tcase(s, tc);
	return s;
}
