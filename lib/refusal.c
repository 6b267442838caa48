/* pypin: refusals, as a type.  See refusal.h. */
#include "refusal.h"

#include <stdio.h>
#include <string.h>

/* Each reason's text.  A slot is '%' and a letter:
 *   %L lib   %N need   %P python   %W where   %F file   %O other
 *   %T the candidates tried, with their lead "; tried: " (last in a template)
 * Nothing else in a template is a '%'.  The texts are what hosts see from
 * dlerror(): change them only with the tests that quote them. */
#define PREFIX "pypin: "
#define ONE_PER_PROCESS "; one interpreter per process"

static const struct {
	const char *name;
	const char *text;
} reasons[PYPIN_REFUSAL_NREASONS] = {
	[PYPIN_REFUSAL_NONE] = { "NONE", NULL },
	[PYPIN_REFUSAL_UNKNOWN] = { "UNKNOWN", NULL },
	[PYPIN_REFUSAL_NO_REAL_DLOPEN] = { "NO_REAL_DLOPEN",
		PREFIX "the real dlopen was not found" },
	[PYPIN_REFUSAL_ANOTHER_PYTHON] = { "ANOTHER_PYTHON",
		PREFIX "this process already runs another Python" ONE_PER_PROCESS },
	[PYPIN_REFUSAL_UNDEFINED] = { "UNDEFINED",
		PREFIX "%L needs %N, and no libpython found defines it%T" },
	[PYPIN_REFUSAL_MAJOR] = { "MAJOR",
		PREFIX "%L is built for Python %P (it needs %N), and no libpython found "
		"serves it%T" },
	[PYPIN_REFUSAL_UNFIT] = { "UNFIT",
		PREFIX "%L cannot be served by the Python this process already runs: %F %O"
		ONE_PER_PROCESS },
	[PYPIN_REFUSAL_VERSION] = { "VERSION",
		PREFIX "%L needs %N, but this process already runs Python %P (%W)"
		ONE_PER_PROCESS },
	[PYPIN_REFUSAL_SELF] = { "SELF",
		PREFIX "%L is %N, but this process already runs Python %P (%W)" ONE_PER_PROCESS },
	[PYPIN_REFUSAL_LACKS] = { "LACKS",
		PREFIX "%L needs %N, but this process already runs Python %P (%W), which "
		"lacks it" ONE_PER_PROCESS },
	[PYPIN_REFUSAL_SECOND] = { "SECOND",
		PREFIX "%L needs libpython3.so, whose %F would map %O as a second libpython "
		"beside Python %P (%W)" ONE_PER_PROCESS },
};

const char *pypin_refusal_name(enum pypin_refusal_reason reason)
{
	return (unsigned)reason < PYPIN_REFUSAL_NREASONS ? reasons[reason].name : "?";
}

static const char *template_of(enum pypin_refusal_reason reason)
{
	return (unsigned)reason < PYPIN_REFUSAL_NREASONS ? reasons[reason].text : NULL;
}

static const char *slot(const struct pypin_refusal *r, char c)
{
	const char *s = NULL;

	switch (c) {
	case 'L': s = r->lib; break;
	case 'N': s = r->need; break;
	case 'P': s = r->python; break;
	case 'W': s = r->where; break;
	case 'F': s = r->file; break;
	case 'O': s = r->other; break;
	}
	return s ? s : "(null)";          /* as snprintf would have it */
}

/* Appends to buf as a chain of snprintf calls does: *n counts what would
 * have been written, and nothing is written once it is past bufsz. */
static void put(char *buf, size_t bufsz, size_t *n, const char *s, size_t len)
{
	if (*n < bufsz)
		snprintf(buf + *n, bufsz - *n, "%.*s", (int)len, s);
	*n += len;
}

static void put_str(char *buf, size_t bufsz, size_t *n, const char *s)
{
	put(buf, bufsz, n, s, strlen(s));
}

static void put_tried(const struct pypin_refusal *r, char *buf, size_t bufsz, size_t *n)
{
	char more[32];

	if (!r->tried)
		return;
	put_str(buf, bufsz, n, "; tried: ");
	if (r->ntried == 0)
		put_str(buf, bufsz, n, "none (name one with PYPIN_LIBPYTHON)");
	for (unsigned i = 0; i < r->ntried && *n < bufsz; i++) {
		if (i)
			put_str(buf, bufsz, n, "; ");
		put_str(buf, bufsz, n, r->tried[i].path);
		put_str(buf, bufsz, n, " (");
		put_str(buf, bufsz, n, r->tried[i].rule);
		put_str(buf, bufsz, n, ": ");
		put_str(buf, bufsz, n, r->tried[i].why);
		put_str(buf, bufsz, n, ")");
	}
	if (r->nlost) {
		snprintf(more, sizeof more, "; %u more", r->nlost);
		put_str(buf, bufsz, n, more);
	}
}

const char *pypin_refusal_text(const struct pypin_refusal *r, char *buf, size_t bufsz)
{
	const char *t = template_of(r->reason), *pct;
	size_t n = 0;

	if (!t)
		t = template_of(PYPIN_REFUSAL_ANOTHER_PYTHON);
	if (!buf || !bufsz)
		return strchr(t, '%') ? "" : t;
	buf[0] = '\0';
	while ((pct = strchr(t, '%'))) {
		put(buf, bufsz, &n, t, (size_t)(pct - t));
		if (pct[1] == 'T')
			put_tried(r, buf, bufsz, &n);
		else
			put_str(buf, bufsz, &n, slot(r, pct[1]));
		t = pct + 2;
	}
	put_str(buf, bufsz, &n, t);
	return buf;
}

void pypin_refusal_nothing_fits(struct pypin_refusal *r, const struct pypin_choice *ch,
	const struct pypin_verdict *v, const char *path)
{
	memset(r, 0, sizeof *r);
	r->reason = ch->major != '3' ? PYPIN_REFUSAL_MAJOR : PYPIN_REFUSAL_UNDEFINED;
	r->lib = path;
	r->need = ch->missing[0] ? ch->missing : v->sym;
	r->major[0] = ch->major;
	r->python = r->major;
	r->tried = ch->tried;
	r->ntried = ch->ntried;
	r->nlost = ch->nlost;
}

/* --- Reading a text back -------------------------------------------------- */

struct span {
	const char *s;
	size_t len;
};

/* Whether text [s, e) reads as template t, each slot taking the fewest bytes
 * that let the rest read (%T, last, takes what remains).  Fills caps['A'..]
 * for the slots. */
static int match(const char *t, const char *s, const char *e, struct span caps[26])
{
	for (; *t != '%'; t++, s++) {
		if (!*t)
			return s == e;
		if (s == e || *s != *t)
			return 0;
	}
	for (const char *x = s; x <= e; x++)
		if (match(t + 2, x, e, caps)) {
			caps[t[1] - 'A'] = (struct span){ s, (size_t)(x - s) };
			return 1;
		}
	return 0;
}

static void copy(char *out, size_t outsz, struct span sp)
{
	size_t n = sp.len < outsz - 1 ? sp.len : outsz - 1;

	memcpy(out, sp.s, n);
	out[n] = '\0';
}

enum pypin_refusal_reason pypin_refusal_parse(const char *text, size_t len,
	struct pypin_refusal_read *out)
{
	const char *e = text + len;

	if (out)
		memset(out, 0, sizeof *out);
	if (len < strlen(PREFIX) || memcmp(text, PREFIX, strlen(PREFIX)) != 0)
		return PYPIN_REFUSAL_NONE;
	for (unsigned r = 0; r < PYPIN_REFUSAL_NREASONS; r++) {
		struct span caps[26] = { { 0 } };
		const char *t = reasons[r].text;

		if (!t || !match(t, text, e, caps))
			continue;
		if (out) {
			copy(out->lib, sizeof out->lib, caps['L' - 'A']);
			copy(out->need, sizeof out->need, caps['N' - 'A']);
			copy(out->python, sizeof out->python, caps['P' - 'A']);
		}
		return (enum pypin_refusal_reason)r;
	}
	return PYPIN_REFUSAL_UNKNOWN;
}
