/* pypin: does a shared object need libpython, and which?  See verdict.h. */
#include "verdict.h"

#include <link.h>
#include <stdio.h>
#include <string.h>

static void set_name(struct pypin_verdict *v, enum pypin_need need, const char *name,
	const char *tag)
{
	v->need = need;
	snprintf(v->name, sizeof v->name, "%s", name);
	snprintf(v->tag, sizeof v->tag, "%s", tag);
}

static int note_symbol(const struct pypin_elf_sym *s, void *ctx)
{
	struct pypin_verdict *v = ctx;

	if (!pypin_python_undefined(s))
		return 0;
	if (v->nsyms++ == 0)
		snprintf(v->sym, sizeof v->sym, "%s", s->name);
	return 0;
}

enum pypin_elf_status pypin_verdict(const struct pypin_elf *e, enum pypin_scan how,
	struct pypin_verdict *v)
{
	char tag[PYPIN_TAG_MAX];
	const char *name;

	memset(v, 0, sizeof *v);
	v->need = PYPIN_NEED_NONE;

	name = pypin_elf_str(e, e->soname);
	if (name && pypin_libpython_versioned(name, tag, sizeof tag)) {
		set_name(v, PYPIN_NEED_SELF, name, tag);
		return PYPIN_ELF_OK;
	}
	for (unsigned i = 0; i < e->nneeded; i++) {
		name = pypin_elf_str(e, e->needed[i]);
		if (name && pypin_libpython_tag(name, tag, sizeof tag)) {
			set_name(v, PYPIN_NEED_VERSION, name, tag);
			return PYPIN_ELF_OK;
		}
	}
	if (how == PYPIN_SCAN_NEEDED)
		return PYPIN_ELF_OK;

	enum pypin_elf_status s = pypin_elf_each_python_undefined(e, note_symbol, v);
	if (s != PYPIN_ELF_OK)
		return s;
	if (v->nsyms > 0)
		v->need = PYPIN_NEED_ANY;
	return PYPIN_ELF_OK;
}

const char *pypin_verdict_describe(const struct pypin_verdict *v, char *buf, size_t n)
{
	switch (v->need) {
	case PYPIN_NEED_NONE:
		snprintf(buf, n, "needs no Python");
		break;
	case PYPIN_NEED_SELF:
		snprintf(buf, n, "is %s", v->name);
		break;
	case PYPIN_NEED_VERSION:
		snprintf(buf, n, "needs %s (DT_NEEDED)", v->name);
		break;
	case PYPIN_NEED_ANY:
		snprintf(buf, n, "needs Python symbols (%u undefined, e.g. %s)", v->nsyms, v->sym);
		break;
	}
	return buf;
}
