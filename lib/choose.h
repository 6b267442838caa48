/* pypin: choosing the libpython to pin, as a table of named rules.
 *
 * pypin_rules[] lists every rule in the order it is asked.  Each rule is a
 * finder: it proposes the libpython it knows of (a file, a soname, or Python
 * already in the process), and the first proposal that fits the library
 * being opened is the choice.  A rule serves only some libraries (those that
 * name libpythonX.Y, those that name only the shim libpython3.so or no
 * libpython at all, a libpython itself), and in secure-execution mode only
 * the rules marked so count.
 *
 * A candidate fits when it is a libpython whose version the library can use:
 * the very X.Y it names; for a library that names no X.Y, a libpython of the
 * library's major version that defines every Py and _Py symbol the library
 * leaves undefined (read from the candidate's own dynamic symbol table).  In
 * secure-execution mode it must also pass pypin_choose_trusted() (root's
 * alone, lib/trust.h), and so must the build-time default kept as the
 * fallback; only the rules marked secure are asked there.
 * No rule pins a candidate that does not fit: when none fits, the library is
 * refused, with the candidates tried (pypin_refusal_nothing_fits(), refusal.h).
 *
 * Everything a rule learns about the process, its environment and the files
 * comes through struct pypin_probe, so that the order and each rule can be
 * tested without a real process (tests/check_choose.c).  The real probes read
 * files only (ELF headers, symbolic links, pyvenv.cfg): inside dlopen pypin
 * runs no program.
 */
#ifndef PYPIN_CHOOSE_H
#define PYPIN_CHOOSE_H

#include <limits.h>
#include <stddef.h>

#include "elf.h"
#include "verdict.h"

/* Which libraries a rule serves (bits of struct pypin_rule.serves). */
#define PYPIN_SERVES_SELF     1u   /* a libpython itself */
#define PYPIN_SERVES_VERSION  2u   /* DT_NEEDED libpythonX.Y */
#define PYPIN_SERVES_ANY      4u   /* only the shim, or undefined Py symbols */

enum pypin_how {
	PYPIN_HOW_LOAD,        /* dlopen the file (or soname) with RTLD_GLOBAL */
	PYPIN_HOW_PROMOTE,     /* already mapped: RTLD_NOLOAD|RTLD_GLOBAL */
	PYPIN_HOW_PRESENT,     /* Python is already in the global scope */
};

/* What a rule proposes. */
struct pypin_candidate {
	enum pypin_how how;
	char path[PATH_MAX];
	int global;            /* Python was global before pypin did anything */
};

/* Where the choice learns what it knows.  The functions may change errno
 * (realpath, access, open): pypin_prepare() restores it around the whole
 * decision. */
struct pypin_probe {
	/* Python already in the process: a libpython mapped (the first whose tag
	 * is compatible with want, else the first), else Python in the global
	 * scope.  Returns 0 and fills c (how, path, global) and tag, or -1. */
	int (*in_process)(const char *want, struct pypin_candidate *c, char *tag, size_t tagsz);
	/* An environment variable, or NULL (always NULL in secure-execution mode). */
	const char *(*env)(const char *name);
	/* If path is a libpython: its tag and soname, 0; else -1. */
	int (*identify)(const char *path, char *tag, size_t tagsz, char *soname, size_t sonamesz);
	/* The first Py symbol the plugin needs that the libpython at path does
	 * not define: 1 with it in sym, 0 when it defines them all, -1 when it
	 * cannot be read. */
	int (*missing)(const char *path, const struct pypin_elf *plugin, char *sym, size_t symsz);
	/* The file the loader would load for the plugin's DT_NEEDED name (its
	 * RPATH, LD_LIBRARY_PATH, its RUNPATH): 0 and out, or -1. */
	int (*beside)(const struct pypin_elf *plugin, const char *plugin_path, const char *name,
		char *out, size_t outsz);
	/* The same, searched on as the loader goes on: /etc/ld.so.cache and its
	 * default directories (not for a library linked -z nodefaultlib). */
	int (*found)(const struct pypin_elf *plugin, const char *plugin_path, const char *name,
		char *out, size_t outsz);
	/* The libpython a python executable runs with (a venv's: its base
	 * installation's, through pyvenv.cfg): 0 and out, or -1 with why. */
	int (*program_libpython)(const char *program, char *out, size_t outsz, const char **why);
	/* The libpython3.X a shim libpython3.so file needs, in its own
	 * installation: 0 and out, or -1. */
	int (*shim_target)(const char *shim, char *out, size_t outsz);
	/* The program name finds on PATH: the first ELF executable, or the
	 * program a pyenv shim selects (other scripts are passed over): 0; 1
	 * with a pyenv shim that cannot be resolved in out, and why; or -1
	 * (pypin_libpython_on_path). */
	int (*on_path)(const char *name, char *out, size_t outsz, const char **why);
	/* Calls fn with each libpython3.N.so.1.0 in the loader's directories,
	 * newest first, until it returns non-zero. */
	void (*each_newest)(int (*fn)(const char *path, void *ctx), void *ctx);
	/* The major version of a plugin that names no libpython: '2' when it
	 * needs a symbol only Python 2 has (then in sym), else '3'. */
	char (*plugin_major)(const struct pypin_elf *plugin, char *sym, size_t symsz);
	/* The base installation's python of a venv's program: 0, or -1 when
	 * program is no venv's (pypin_venv_base). */
	int (*venv_base)(const char *program, char *base, size_t basesz);
	/* The installation's own bin/pythonX.Y of the libpython lib: 0, or -1. */
	int (*own_program)(const char *lib, const char *tag, char *out, size_t outsz);
	/* Whether a candidate may be pinned in secure-execution mode. */
	int (*trusted)(const char *path);
	/* Settings. */
	const char *build_default;      /* the build-time default, or "" */
	const char *libpython;          /* PYPIN_LIBPYTHON or the file's libpython */
	int libpython_from_file;
	const char *python;             /* PYPIN_PYTHON or the file's python */
	int secure;                     /* secure-execution mode */
};

extern const struct pypin_probe pypin_probe_real;

/* The real probe with the current settings (pypin_config). */
void pypin_probe_settings(struct pypin_probe *p);

/* A candidate passed over, and why. */
#define PYPIN_TRIED_MAX 12
struct pypin_tried {
	const char *rule;
	char path[PATH_MAX];
	char why[128];
};

struct pypin_choice {
	/* The choice. */
	struct pypin_candidate c;
	char tag[PYPIN_TAG_MAX];
	const struct pypin_rule *rule;
	char fallback[PATH_MAX];        /* loaded when c.path cannot be, or "" */
	const char *fallback_why;
	/* What was tried first. */
	unsigned ntried, nlost;         /* recorded, and not recorded for want of room */
	struct pypin_tried tried[PYPIN_TRIED_MAX];
	char missing[PYPIN_NAME_MAX];   /* the first symbol a candidate lacked */
	char unfit[128];                /* why Python already in the process cannot
					   serve the library, or "" */
	char major;                     /* the plugin's major version, '2' or '3' */
	/* Scratch for the rules, on the heap with the rest. */
	char buf[PATH_MAX], buf2[PATH_MAX];
	struct pypin_candidate proc;    /* what in_process() found, asked once */
	char proc_tag[PYPIN_TAG_MAX];
	int proc_asked, proc_rc;
};

struct pypin_rule {
	const char *name;               /* as the debug lines and explain name it */
	unsigned serves;                /* PYPIN_SERVES_* */
	int secure;                     /* counts in secure-execution mode */
	/* Proposes candidates through pypin_choose_offer(); returns 1 when one
	 * was taken. */
	int (*find)(const struct pypin_rule *r, struct pypin_choice *ch,
		const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
		const struct pypin_probe *pr);
};

extern const struct pypin_rule pypin_rules[];
extern const unsigned pypin_nrules;

/* Walks pypin_rules[] for the library at path (verdict v, read as e) and
 * fills ch.  Returns 0 with the choice, or -1 when nothing fits (ch->tried
 * and ch->missing say what was tried). */
int pypin_choose(const struct pypin_verdict *v, const struct pypin_elf *e, const char *path,
	const struct pypin_probe *pr, struct pypin_choice *ch);

/* Offers a candidate found by rule r; takes it when it fits.  Returns 1 when
 * taken, 0 when passed over (and recorded in ch->tried). */
int pypin_choose_offer(const struct pypin_rule *r, struct pypin_choice *ch,
	const struct pypin_verdict *v, const struct pypin_elf *e,
	const struct pypin_probe *pr, enum pypin_how how, const char *path);

/* Whether v names a libpython X.Y: DT_NEEDED libpythonX.Y, not the shim
 * libpython3.so, nor undefined Py symbols only (nor a libpython itself). */
int pypin_names_version(const struct pypin_verdict *v);

/* The interpreter's home: the program name to set for the pinned libpython
 * real (tag), into out.  Returns 1 with it, 0 when nothing is to be set.
 * *why says where it comes from.  Reads files only. */
int pypin_choose_home(const struct pypin_probe *pr, const char *real, const char *tag,
	char *out, size_t outsz, const char **why);

/* THE place where secure-execution mode's check of a candidate file is made:
 * pypin_trusted() (the file and every directory above it root's alone, and
 * so on); 1 when it may be pinned, else 0 with a debug line saying why.
 * Outside secure-execution mode it is not called. */
int pypin_choose_trusted(const char *path);

#endif
