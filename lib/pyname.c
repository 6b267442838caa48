/* pypin: libpython's names and versions.  See pyname.h. */
#include "pyname.h"
#include "log.h"

#include <link.h>
#include <stdlib.h>
#include <string.h>

int pypin_libpython_tag(const char *name, char *tag, size_t tagsz)
{
	static const char prefix[] = "libpython";
	const char *t, *end;

	if (strncmp(name, prefix, sizeof prefix - 1) != 0)
		return 0;
	t = name + sizeof prefix - 1;
	end = strstr(t, ".so");
	if (!end || end == t || (end[3] != '\0' && end[3] != '.'))
		return 0;
	if ((size_t)(end - t) >= tagsz)
		return 0;
	/* A tag is a major version, optionally ".minor", then ABI flags. */
	if (*t < '0' || *t > '9')
		return 0;
	for (const char *p = t; p < end; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.' || (*p >= 'a' && *p <= 'z')))
			return 0;
	memcpy(tag, t, (size_t)(end - t));
	tag[end - t] = '\0';
	return 1;
}

int pypin_tag_is_shim(const char *tag)
{
	return strcmp(tag, "3") == 0;
}

int pypin_libpython_versioned(const char *name, char *tag, size_t tagsz)
{
	return pypin_libpython_tag(name, tag, tagsz) && !pypin_tag_is_shim(tag);
}

const char *pypin_tag_version(const char *tag, char *buf)
{
	size_t n = strspn(tag, "0123456789.");

	if (n >= PYPIN_TAG_MAX)
		n = PYPIN_TAG_MAX - 1;
	memcpy(buf, tag, n);
	buf[n] = '\0';
	return buf;
}

int pypin_libpython_plain_minor(const char *name, unsigned *minor)
{
	static const char prefix[] = "libpython3.";
	const char *p = name + sizeof prefix - 1;
	char *end;

	if (strncmp(name, prefix, sizeof prefix - 1) != 0 || *p < '0' || *p > '9')
		return 0;
	unsigned long m = strtoul(p, &end, 10);
	if (strcmp(end, ".so.1.0") != 0 || m > 1000)
		return 0;
	*minor = (unsigned)m;
	return 1;
}

int pypin_tag_compatible(const char *pinned, const char *needed)
{
	size_t n = strlen(needed);

	if (strcmp(pinned, needed) == 0)
		return 1;
	/* A bare major version ("3", the stable-ABI shim) accepts any minor. */
	return strchr(needed, '.') == NULL && strncmp(pinned, needed, n) == 0 &&
	       pinned[n] == '.';
}

int pypin_version_tag(const char *version, char *tag, size_t tagsz)
{
	size_t n = strspn(version, "0123456789");

	if (n == 0 || version[n] != '.')
		return -1;
	n += 1 + strspn(version + n + 1, "0123456789");
	if (n >= tagsz)
		return -1;
	memcpy(tag, version, n);
	tag[n] = '\0';
	return 0;
}

int pypin_is_python_symbol(const char *name)
{
	if (name[0] == '_')
		name++;
	return name[0] == 'P' && name[1] == 'y' &&
	       ((name[2] >= 'A' && name[2] <= 'Z') || name[2] == '_');
}

/* Whether Python tag is 3.10 or later. */
static int since_3_10(const char *tag)
{
	return tag[0] == '3' && tag[1] == '.' && strtoul(tag + 2, NULL, 10) >= 10;
}

/* Whether the program name can be set: from 3.10 on, while nobody (the host)
 * has set it.  Before 3.10, Py_GetProgramName() would itself fix the path
 * configuration, so it is not asked: the name is set, as pypin always did. */
static int program_name_free(const char *tag, wchar_t *(*get_name)(void))
{
	return !since_3_10(tag) || !get_name();
}

/* Out of memory (RLIMIT_AS, a full heap), the name is left unset rather than
 * the host killed: a copy of that size is tried first. */
static int room_for(const wchar_t *w)
{
	void *copy = malloc((wcslen(w) + 1) * sizeof *w);

	if (!copy) {
		pypin_debug("out of memory; the interpreter's program name is left unset");
		return 0;
	}
	free(copy);
	return 1;
}

int pypin_home_api_find(struct pypin_home_api *py, void *h,
	void *(*lookup)(void *h, const char *name))
{
	*(void **)&py->is_initialized = lookup(h, "Py_IsInitialized");
	*(void **)&py->decode = lookup(h, "Py_DecodeLocale");
	*(void **)&py->set_program_name = lookup(h, "Py_SetProgramName");
	*(void **)&py->get_program_name = lookup(h, "Py_GetProgramName");
	*(void **)&py->raw_free = lookup(h, "PyMem_RawFree");
	return py->is_initialized && py->decode && py->set_program_name &&
	       py->get_program_name && py->raw_free ? 0 : -1;
}

int pypin_home_set(const struct pypin_home_api *py, const char *tag, wchar_t *w)
{
	if (py->is_initialized() || !program_name_free(tag, py->get_program_name) ||
	    !room_for(w))
		return 0;
	py->set_program_name(w);
	return 1;
}
