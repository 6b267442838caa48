/* Unit tests for lib/loaded.c: reading loaded objects' dynamic sections, and
 * finding the next definition of a symbol without dlsym. */
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include "check_pypin.h"
#include "elf.h"
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

/* The memory feed of the decoder: a tag is absent only when the section has
 * none; of two the last counts; nothing after DT_NULL is read. */
START_TEST(absent_tags_and_the_last_of_two)
{
	static const char strtab[] = "\0libx.so.1\0libx.so.2\0";
	static const uint32_t tables[8];
	ElfW(Addr) at = (ElfW(Addr))strtab, t = (ElfW(Addr))tables, base = 0x10000;
	struct pypin_loaded o;

	ElfW(Dyn) only_strings[] = {
		{ .d_tag = DT_STRTAB, .d_un.d_ptr = at },
		{ .d_tag = DT_STRSZ, .d_un.d_val = sizeof strtab },
		{ .d_tag = DT_NULL },
	};
	ck_assert_int_eq(pypin_loaded_read(only_strings, base, 1, &o), 0);
	ck_assert_ptr_eq(o.strtab, strtab);
	ck_assert_uint_eq(o.strsz, sizeof strtab);
	ck_assert_uint_eq(o.base, base);
	ck_assert_ptr_null(o.soname);
	ck_assert_ptr_null(o.rpath);
	ck_assert_ptr_null(o.runpath);
	ck_assert_ptr_null(o.symtab);
	ck_assert_ptr_null(o.gnu_hash);
	ck_assert_ptr_null(o.hash);
	ck_assert_ptr_null(o.versym);

	ElfW(Dyn) twice[] = {
		{ .d_tag = DT_SONAME, .d_un.d_val = 1 },
		{ .d_tag = DT_STRTAB, .d_un.d_ptr = at - base },
		{ .d_tag = DT_RUNPATH, .d_un.d_val = 0 },     /* offset 0: "" */
		{ .d_tag = DT_STRSZ, .d_un.d_val = sizeof strtab },
		{ .d_tag = DT_GNU_HASH, .d_un.d_ptr = t - base },
		{ .d_tag = DT_HASH, .d_un.d_ptr = t + 4 - base },
		{ .d_tag = DT_VERSYM, .d_un.d_ptr = t + 8 - base },
		{ .d_tag = DT_SYMTAB, .d_un.d_ptr = t + 16 - base },
		{ .d_tag = DT_SONAME, .d_un.d_val = 11 },
		{ .d_tag = DT_NULL },
		{ .d_tag = DT_RPATH, .d_un.d_val = 1 },
		{ .d_tag = DT_SONAME, .d_un.d_val = 1 },
	};
	ck_assert_int_eq(pypin_loaded_read(twice, base, 0, &o), 0);
	ck_assert_str_eq(o.soname, "libx.so.2");
	ck_assert_str_eq(o.runpath, "");
	ck_assert_ptr_null(o.rpath);
	/* Not relocated (a read-only section): the load address is added. */
	ck_assert_ptr_eq(o.gnu_hash, tables);
	ck_assert_ptr_eq(o.hash, tables + 1);
	ck_assert_ptr_eq((const void *)o.versym, tables + 2);
	ck_assert_ptr_eq((const void *)o.symtab, tables + 4);
}
END_TEST

/* Without a string table there is nothing to read: -1. */
START_TEST(no_strings_no_object)
{
	static const char strtab[] = "\0x\0";
	struct pypin_loaded o;

	ElfW(Dyn) no_size[] = {
		{ .d_tag = DT_STRTAB, .d_un.d_ptr = (ElfW(Addr))strtab },
		{ .d_tag = DT_SONAME, .d_un.d_val = 1 },
		{ .d_tag = DT_NULL },
	};
	ck_assert_int_eq(pypin_loaded_read(no_size, 0, 1, &o), -1);
	ElfW(Dyn) size_zero[] = {
		{ .d_tag = DT_STRTAB, .d_un.d_ptr = (ElfW(Addr))strtab },
		{ .d_tag = DT_STRSZ, .d_un.d_val = 0 },
		{ .d_tag = DT_NULL },
	};
	ck_assert_int_eq(pypin_loaded_read(size_zero, 0, 1, &o), -1);
	ElfW(Dyn) no_table[] = {
		{ .d_tag = DT_STRSZ, .d_un.d_val = sizeof strtab },
		{ .d_tag = DT_NULL },
	};
	ck_assert_int_eq(pypin_loaded_read(no_table, 0, 1, &o), -1);
	/* A table after DT_NULL is not the object's. */
	ElfW(Dyn) after_null[] = {
		{ .d_tag = DT_STRSZ, .d_un.d_val = sizeof strtab },
		{ .d_tag = DT_NULL },
		{ .d_tag = DT_STRTAB, .d_un.d_ptr = (ElfW(Addr))strtab },
	};
	ck_assert_int_eq(pypin_loaded_read(after_null, 0, 1, &o), -1);
	ck_assert_int_eq(pypin_loaded_read(NULL, 0, 1, &o), -1);
}
END_TEST

/* What the loader mapped reads as the file does: libc's soname and tables. */
static int find_libc_info(struct dl_phdr_info *info, size_t size, void *ctx)
{
	(void)size;
	if (!strstr(info->dlpi_name, "/libc.so.6"))
		return 0;
	*(struct dl_phdr_info *)ctx = *info;
	return 1;
}

START_TEST(memory_reads_as_the_file)
{
	struct dl_phdr_info info;
	struct pypin_loaded o;
	struct pypin_elf e;

	ck_assert_int_eq(dl_iterate_phdr(find_libc_info, &info), 1);
	ck_assert_int_eq(pypin_loaded_phdr(&info, &o), 0);
	int fd = open(info.dlpi_name, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_str_eq(o.soname, pypin_elf_str(&e, e.soname));
	ck_assert_uint_eq(o.strsz, e.strsz);
	ck_assert_int_eq(o.rpath == NULL, e.rpath == PYPIN_ELF_NONE);
	ck_assert_int_eq(o.runpath == NULL, e.runpath == PYPIN_ELF_NONE);
	ck_assert_int_eq(o.gnu_hash == NULL, e.gnu_hash_off == PYPIN_ELF_NONE);
	ck_assert_int_eq(o.hash == NULL, e.hash_off == PYPIN_ELF_NONE);
	ck_assert_ptr_nonnull(o.symtab);
	pypin_elf_close(&e);
	close(fd);
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
	tcase_add_test(tc, absent_tags_and_the_last_of_two);
	tcase_add_test(tc, no_strings_no_object);
	tcase_add_test(tc, memory_reads_as_the_file);
	suite_add_tcase(s, tc);
	return s;
}
