/* Unit tests for lib/refusal.c: every reason's dlerror() text, byte for byte
 * as the library wrote it before refusals were a type (the old snprintf
 * formats are kept here as the reference), cut short as snprintf cuts, and
 * read back to its reason by pypin_refusal_parse(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_pypin.h"
#include "refusal.h"

#define LIB "/opt/plug/mod.so"
#define WHERE "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0"

/* A sample of each reason with details, and its text as the old code wrote
 * it (its format and arguments). */
struct sample {
	struct pypin_refusal r;
	char want[1024];
};

static const struct pypin_tried tried2[] = {
	{ "the build-time default", "/usr/lib/libpython3.11.so.1.0", "lacks Py_GetConstant" },
	{ "the newest found", "/py/3.12/lib/libpython3.12.so.1.0", "lacks Py_GetConstant" },
};

static void samples(struct sample s[PYPIN_REFUSAL_NREASONS])
{
	memset(s, 0, sizeof *s * PYPIN_REFUSAL_NREASONS);
	for (int i = 0; i < PYPIN_REFUSAL_NREASONS; i++)
		s[i].r.reason = (enum pypin_refusal_reason)i;

	snprintf(s[PYPIN_REFUSAL_NO_REAL_DLOPEN].want, 1024, "pypin: the real dlopen was not found");
	snprintf(s[PYPIN_REFUSAL_ANOTHER_PYTHON].want, 1024,
		 "pypin: this process already runs another Python; one interpreter per process");

	struct pypin_refusal *r = &s[PYPIN_REFUSAL_UNDEFINED].r;
	r->lib = LIB, r->need = "Py_GetConstant", r->tried = tried2, r->ntried = 2, r->nlost = 3;
	snprintf(s[PYPIN_REFUSAL_UNDEFINED].want, 1024,
		 "pypin: %s needs %s, and no libpython found defines it; tried: "
		 "%s (%s: %s); %s (%s: %s); %u more", LIB, "Py_GetConstant",
		 tried2[0].path, tried2[0].rule, tried2[0].why,
		 tried2[1].path, tried2[1].rule, tried2[1].why, 3u);

	r = &s[PYPIN_REFUSAL_MAJOR].r;
	r->lib = LIB, r->need = "PyString_FromString", r->python = "2", r->tried = tried2;
	snprintf(s[PYPIN_REFUSAL_MAJOR].want, 1024, "pypin: %s is built for Python %c (it needs %s), "
		 "and no libpython found serves it; tried: none (name one with PYPIN_LIBPYTHON)",
		 LIB, '2', "PyString_FromString");

	r = &s[PYPIN_REFUSAL_UNFIT].r;
	r->lib = LIB, r->file = "/usr/bin/host", r->other = "is Python 3.9; it needs Python 3.10+";
	snprintf(s[PYPIN_REFUSAL_UNFIT].want, 1024, "pypin: %s cannot be served by the Python this "
		 "process already runs: %s %s; one interpreter per process", LIB, r->file, r->other);

	r = &s[PYPIN_REFUSAL_VERSION].r;
	r->lib = LIB, r->need = "libpython3.99.so.1.0", r->python = "3.11", r->where = WHERE;
	snprintf(s[PYPIN_REFUSAL_VERSION].want, 1024,
		 "pypin: %s %s %s, but this process already runs Python %s (%s); "
		 "one interpreter per process", LIB, "needs", r->need, r->python, WHERE);

	r = &s[PYPIN_REFUSAL_SELF].r;
	r->lib = "/py/lib/libpython3.12.so.1.0", r->need = "libpython3.12.so.1.0";
	r->python = "3.11", r->where = WHERE;
	snprintf(s[PYPIN_REFUSAL_SELF].want, 1024,
		 "pypin: %s %s %s, but this process already runs Python %s (%s); "
		 "one interpreter per process", r->lib, "is", r->need, r->python, WHERE);

	r = &s[PYPIN_REFUSAL_LACKS].r;
	r->lib = LIB, r->need = "Py_GetConstant", r->python = "3.11", r->where = WHERE;
	snprintf(s[PYPIN_REFUSAL_LACKS].want, 1024,
		 "pypin: %s needs %s, but this process already runs Python %s (%s), "
		 "which lacks it; one interpreter per process", LIB, r->need, r->python, WHERE);

	r = &s[PYPIN_REFUSAL_SECOND].r;
	r->lib = LIB, r->file = "/opt/plug/libpython3.so";
	r->other = "/opt/plug/libpython3.12.so.1.0", r->python = "3.11", r->where = WHERE;
	snprintf(s[PYPIN_REFUSAL_SECOND].want, 1024,
		 "pypin: %s needs libpython3.so, whose %s would map %s as a "
		 "second libpython beside Python %s (%s); one interpreter per process",
		 LIB, r->file, r->other, r->python, WHERE);
}

/* The reasons that are refusals pypin writes (not NONE or UNKNOWN). */
#define EACH_WRITTEN(i) for (int i = PYPIN_REFUSAL_NO_REAL_DLOPEN; i < PYPIN_REFUSAL_NREASONS; i++)

START_TEST(every_text_is_as_before)
{
	struct sample *s = malloc(sizeof *s * PYPIN_REFUSAL_NREASONS);
	char buf[1024];

	samples(s);
	EACH_WRITTEN(i) {
		const char *got = pypin_refusal_text(&s[i].r, buf, sizeof buf);
		ck_assert_msg(strcmp(got, s[i].want) == 0, "%s: got '%s', want '%s'",
			      pypin_refusal_name((enum pypin_refusal_reason)i), got, s[i].want);
	}
	free(s);
}
END_TEST

START_TEST(texts_without_details_are_constants)
{
	struct pypin_refusal r = { .reason = PYPIN_REFUSAL_NO_REAL_DLOPEN };
	const char *a = pypin_refusal_text(&r, NULL, 0);

	ck_assert_str_eq(a, "pypin: the real dlopen was not found");
	ck_assert_ptr_eq(pypin_refusal_text(&r, NULL, 0), a);
	r.reason = PYPIN_REFUSAL_ANOTHER_PYTHON;
	ck_assert_str_eq(pypin_refusal_text(&r, NULL, 0),
			 "pypin: this process already runs another Python; one interpreter per process");
	/* A reason with no text of its own: the generic one. */
	r.reason = PYPIN_REFUSAL_UNKNOWN;
	ck_assert_str_eq(pypin_refusal_text(&r, NULL, 0),
			 "pypin: this process already runs another Python; one interpreter per process");

	/* Given a buffer, every reason's text is written there, so that what a
	 * buffer held before never stands for a refusal. */
	char buf[16];
	strcpy(buf, "stale");
	r.reason = PYPIN_REFUSAL_NO_REAL_DLOPEN;
	ck_assert_ptr_eq(pypin_refusal_text(&r, buf, sizeof buf), buf);
	ck_assert_str_eq(buf, "pypin: the real");   /* cut as snprintf cuts */
	/* With no buffer, a text that has details is empty, never a template. */
	r.reason = PYPIN_REFUSAL_LACKS;
	ck_assert_str_eq(pypin_refusal_text(&r, NULL, 0), "");
}
END_TEST

/* Into a buffer of every size, each text with details is cut as snprintf
 * cuts it. */
START_TEST(texts_are_cut_as_snprintf_cuts)
{
	struct sample *s = malloc(sizeof *s * PYPIN_REFUSAL_NREASONS);
	char buf[1024];

	samples(s);
	EACH_WRITTEN(i) {
		size_t len = strlen(s[i].want);
		for (size_t n = 1; n <= len + 1; n++) {
			char want[1024];
			memset(buf, 'X', sizeof buf);
			snprintf(want, n, "%s", s[i].want);
			const char *got = pypin_refusal_text(&s[i].r, buf, n);
			if (got != buf) {                 /* a constant: whole */
				ck_assert_str_eq(got, s[i].want);
				continue;
			}
			ck_assert_msg(strcmp(got, want) == 0, "%s, %zu bytes: got '%s'",
				      pypin_refusal_name((enum pypin_refusal_reason)i), n, got);
			ck_assert_int_eq(buf[n], 'X');    /* nothing written past it */
		}
	}
	free(s);
}
END_TEST

START_TEST(the_candidates_tried)
{
	struct pypin_refusal r = { .reason = PYPIN_REFUSAL_UNDEFINED, .lib = LIB, .need = "PyX" };
	char buf[1024];

	/* Without the list (as explain prints it). */
	ck_assert_str_eq(pypin_refusal_text(&r, buf, sizeof buf),
			 "pypin: " LIB " needs PyX, and no libpython found defines it");
	r.tried = tried2;
	ck_assert_str_eq(pypin_refusal_text(&r, buf, sizeof buf),
			 "pypin: " LIB " needs PyX, and no libpython found defines it; tried: "
			 "none (name one with PYPIN_LIBPYTHON)");
	r.ntried = 1;
	ck_assert_str_eq(pypin_refusal_text(&r, buf, sizeof buf),
			 "pypin: " LIB " needs PyX, and no libpython found defines it; tried: "
			 "/usr/lib/libpython3.11.so.1.0 (the build-time default: lacks Py_GetConstant)");
	r.ntried = 0, r.nlost = 2;                /* as the old code had it */
	ck_assert_str_eq(pypin_refusal_text(&r, buf, sizeof buf),
			 "pypin: " LIB " needs PyX, and no libpython found defines it; tried: "
			 "none (name one with PYPIN_LIBPYTHON); 2 more");
}
END_TEST

START_TEST(nothing_fits_by_major_version)
{
	struct pypin_choice *ch = calloc(1, sizeof *ch);
	struct pypin_verdict v = { .need = PYPIN_NEED_ANY };
	struct pypin_refusal r;

	snprintf(v.sym, sizeof v.sym, "PyFirst");
	ch->major = '3';
	pypin_refusal_nothing_fits(&r, ch, &v, LIB);
	ck_assert_int_eq(r.reason, PYPIN_REFUSAL_UNDEFINED);
	ck_assert_str_eq(r.need, "PyFirst");            /* no candidate lacked one */
	ck_assert_ptr_eq(r.tried, ch->tried);
	snprintf(ch->missing, sizeof ch->missing, "Py_GetConstant");
	ch->major = '2';
	ch->ntried = 1;
	pypin_refusal_nothing_fits(&r, ch, &v, LIB);
	ck_assert_int_eq(r.reason, PYPIN_REFUSAL_MAJOR);
	ck_assert_str_eq(r.need, "Py_GetConstant");     /* what a candidate lacked first */
	ck_assert_str_eq(r.python, "2");
	ck_assert_str_eq(r.lib, LIB);
	ck_assert_uint_eq(r.ntried, 1);
	free(ch);
}
END_TEST

START_TEST(every_text_reads_back_as_its_reason)
{
	struct sample *s = malloc(sizeof *s * PYPIN_REFUSAL_NREASONS);
	struct pypin_refusal_read *got = malloc(sizeof *got);
	char buf[1024];

	samples(s);
	EACH_WRITTEN(i) {
		const char *text = pypin_refusal_text(&s[i].r, buf, sizeof buf);
		enum pypin_refusal_reason r = pypin_refusal_parse(text, strlen(text), got);
		ck_assert_msg(r == (enum pypin_refusal_reason)i, "%s read as %s",
			      pypin_refusal_name((enum pypin_refusal_reason)i),
			      pypin_refusal_name(r));
		ck_assert_str_eq(got->lib, s[i].r.lib ? s[i].r.lib : "");
		ck_assert_str_eq(got->need, s[i].r.need ? s[i].r.need : "");
		ck_assert_str_eq(got->python, s[i].r.python ? s[i].r.python : "");
	}
	/* As the trial reports it: the line goes on past the text's length. */
	const char *line = "pypin: /a.so needs Py_X, but this process already runs Python 3.11 "
			   "(/l.so), which lacks it; one interpreter per process\n+more";
	ck_assert_int_eq(pypin_refusal_parse(line, strlen(line) - 6, got), PYPIN_REFUSAL_LACKS);
	ck_assert_str_eq(got->need, "Py_X");
	ck_assert_str_eq(got->python, "3.11");
	ck_assert_str_eq(got->lib, "/a.so");
	/* Explain's form, without the candidates. */
	line = "pypin: /a.so needs Py_X, and no libpython found defines it";
	ck_assert_int_eq(pypin_refusal_parse(line, strlen(line), NULL), PYPIN_REFUSAL_UNDEFINED);
	free(s);
	free(got);
}
END_TEST

START_TEST(other_texts_are_not_refusals)
{
	struct pypin_refusal_read *got = malloc(sizeof *got);
	const char *t;

	t = "/x.so: undefined symbol: PyFloat_Type";
	ck_assert_int_eq(pypin_refusal_parse(t, strlen(t), got), PYPIN_REFUSAL_NONE);
	ck_assert_str_eq(got->need, "");
	t = "pypin:";
	ck_assert_int_eq(pypin_refusal_parse(t, strlen(t), got), PYPIN_REFUSAL_NONE);
	ck_assert_int_eq(pypin_refusal_parse("", 0, got), PYPIN_REFUSAL_NONE);
	t = "pypin: something this version never writes";
	ck_assert_int_eq(pypin_refusal_parse(t, strlen(t), got), PYPIN_REFUSAL_UNKNOWN);
	/* Cut short. */
	t = "pypin: /a.so needs Py_X, but this process already runs Python 3.11 (/l.so), wh";
	ck_assert_int_eq(pypin_refusal_parse(t, strlen(t), got), PYPIN_REFUSAL_UNKNOWN);
	free(got);
}
END_TEST

START_TEST(every_reason_has_its_own_name)
{
	for (int i = 0; i < PYPIN_REFUSAL_NREASONS; i++) {
		const char *a = pypin_refusal_name((enum pypin_refusal_reason)i);
		ck_assert_str_ne(a, "?");
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(a, pypin_refusal_name((enum pypin_refusal_reason)j));
	}
	ck_assert_str_eq(pypin_refusal_name(PYPIN_REFUSAL_LACKS), "LACKS");
	ck_assert_str_eq(pypin_refusal_name(PYPIN_REFUSAL_NREASONS), "?");
}
END_TEST

Suite *refusal_suite(void)
{
	Suite *s = suite_create("refusal");
	TCase *tc = tcase_create("refusal");

	tcase_add_test(tc, every_text_is_as_before);
	tcase_add_test(tc, texts_without_details_are_constants);
	tcase_add_test(tc, texts_are_cut_as_snprintf_cuts);
	tcase_add_test(tc, the_candidates_tried);
	tcase_add_test(tc, nothing_fits_by_major_version);
	tcase_add_test(tc, every_text_reads_back_as_its_reason);
	tcase_add_test(tc, other_texts_are_not_refusals);
	tcase_add_test(tc, every_reason_has_its_own_name);
	suite_add_tcase(s, tc);
	return s;
}
