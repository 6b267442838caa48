/* pypin: whether a file is root's alone.
 *
 * A file counts when it, and every directory on its path up to /, are owned
 * by root and writable by neither group nor others: then only root can have
 * put it there or changed it, and only root can swap it for another file
 * later.  The file is opened without following a final symbolic link and
 * judged by fstat(2) on that descriptor: it must be a regular file on a file
 * system with contents of its own, not procfs or sysfs (in a setuid-root
 * process /proc/self/environ is root's, mode 0400, yet the user wrote it).
 * Neither it nor a directory on its path may be on FUSE or on a mount with
 * nosuid: there a user can make up the owner.
 * Symbolic links on the way are followed, at most 40, each read from a
 * directory already found to be root's alone; a final one is followed too
 * by pypin_trusted() (a venv's bin/python, /usr/bin/python3), never by
 * pypin_trust_open() (the configuration file itself).
 *
 * The configuration file is read only through pypin_trust_open(); in
 * secure-execution mode a libpython or python the file names counts only when
 * pypin_trusted() says so (config.c).
 */
#ifndef PYPIN_TRUST_H
#define PYPIN_TRUST_H

/* Opens path read-only (close-on-exec, non-blocking) when it is root's alone.
 * Returns the descriptor, or -1 with *why saying why not in a few words for a
 * warning or debug line ("a directory on its path is writable by group or
 * others"), or with *why NULL when the file (or a directory on its path) does
 * not exist, or when memory ran out (then the file is passed over silently,
 * as before a file is found).  Keeps errno. */
int pypin_trust_open(const char *path, const char **why);

/* Whether path, and a file a final symbolic link leads to, is root's alone:
 * 1, or 0 with *why as above (never NULL). */
int pypin_trusted(const char *path, const char **why);

#endif
