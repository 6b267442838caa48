/* Unit tests for lib/loaded.c: reading loaded objects' dynamic sections, and
 * finding the next definition of a symbol without dlsym. */
#include <dlfcn.h>
#include <link.h>
#include <string.h>

#include "check_pypin.h"
#include "loaded.h"

static const char here;                   /* an address in this program */

START_TEST(next_is_what_rtld_next_finds)
{
	ck_assert_ptr_eq(pypin_loaded_next("dlopen", &here), dlsym(RTLD_NEXT, "dlopen"));
	/* libc has dlerror@GLIBC_2.2.5 (hidden) and dlerror@@GLIBC_2.34. */
	ck_assert_ptr_eq(pypin_loaded_next("dlerror", &here), dlsym(RTLD_NEXT, "dlerror"));
	ck_assert_ptr_eq(pypin_loaded_next("environ", &here), dlsym(RTLD_NEXT, "environ"));
	ck_assert_ptr_null(pypin_loaded_next("pypin_no_such_symbol", &here));
}
END_TEST

START_TEST(next_keeps_the_pending_error)
{
	ck_assert_ptr_null(dlsym(RTLD_DEFAULT, "pypin_no_such_symbol"));
	ck_assert_ptr_nonnull(pypin_loaded_next("dlerror", &here));
	const char *e = dlerror();
	ck_assert_ptr_nonnull(e);
	ck_assert(strstr(e, "pypin_no_such_symbol") != NULL);
}
END_TEST

START_TEST(next_skips_objects_up_to_self)
{
	/* From inside libc, nothing after it defines its own dlopen. */
	void *libc_dlopen = dlsym(RTLD_DEFAULT, "dlopen");
	ck_assert_ptr_ne(pypin_loaded_next("dlopen", libc_dlopen), libc_dlopen);
	ck_assert_ptr_null(pypin_loaded_next("pypin_no_such_symbol", libc_dlopen));
}
END_TEST

static int find_libc(struct dl_phdr_info *info, size_t size, void *ctx)
{
	(void)size;
	if (!strstr(info->dlpi_name, "/libc.so.6"))
		return 0;
	return pypin_loaded_phdr(info, ctx) == 0 ? 1 : -1;
}

START_TEST(reads_soname_and_paths)
{
	struct pypin_loaded o;

	ck_assert_int_eq(dl_iterate_phdr(find_libc, &o), 1);
	ck_assert_str_eq(o.soname, "libc.so.6");
	ck_assert_ptr_null(o.runpath);
}
END_TEST

/* A dynamic section as the loader leaves it: pointers with the load address
 * added (a writable section) or not (a read-only one).  Whether they were is
 * not guessed from their values: an object loaded below its link address has
 * relocated pointers below its base. */
START_TEST(pointers_relocated_or_not)
{
	static const char strtab[] = "\0libx.so.1\0$ORIGIN/lib\0/opt/r\0";
	ElfW(Addr) at = (ElfW(Addr))strtab, base = at & ~(ElfW(Addr))0xfffff;
	struct pypin_loaded o;

	for (int relocated = 0; relocated < 2; relocated++) {
		ElfW(Dyn) dyn[] = {
			{ .d_tag = DT_STRTAB, .d_un.d_ptr = relocated ? at : at - base },
			{ .d_tag = DT_STRSZ, .d_un.d_val = sizeof strtab },
			{ .d_tag = DT_SONAME, .d_un.d_val = 1 },
			{ .d_tag = DT_RUNPATH, .d_un.d_val = 11 },
			{ .d_tag = DT_RPATH, .d_un.d_val = 23 },
			{ .d_tag = DT_NULL },
		};
		ck_assert_int_eq(pypin_loaded_read(dyn, base, relocated, &o), 0);
		ck_assert_str_eq(o.soname, "libx.so.1");
		ck_assert_str_eq(o.runpath, "$ORIGIN/lib");
		ck_assert_str_eq(o.rpath, "/opt/r");
		ck_assert_ptr_null(o.symtab);
	}
	/* A string offset outside the table is no string. */
	ElfW(Dyn) bad[] = {
		{ .d_tag = DT_STRTAB, .d_un.d_ptr = at },
		{ .d_tag = DT_STRSZ, .d_un.d_val = sizeof strtab },
		{ .d_tag = DT_SONAME, .d_un.d_val = sizeof strtab },
		{ .d_tag = DT_NULL },
	};
	ck_assert_int_eq(pypin_loaded_read(bad, base, 1, &o), 0);
	ck_assert_ptr_null(o.soname);
	ElfW(Dyn) none[] = { { .d_tag = DT_NULL } };
	ck_assert_int_eq(pypin_loaded_read(none, base, 1, &o), -1);
}
END_TEST

Suite *loaded_suite(void)
{
	Suite *s = suite_create("loaded");
	TCase *tc = tcase_create("loaded");

	tcase_add_test(tc, next_is_what_rtld_next_finds);
	tcase_add_test(tc, next_keeps_the_pending_error);
	tcase_add_test(tc, next_skips_objects_up_to_self);
	tcase_add_test(tc, reads_soname_and_paths);
	tcase_add_test(tc, pointers_relocated_or_not);
	suite_add_tcase(s, tc);
	return s;
}
