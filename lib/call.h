/* pypin: one dlopen call, the interface between the interposer (preload/) and
 * the logic (lib/).
 *
 * The interposer's dlopen() asks pypin_prepare() which function to hand the
 * call to, then tail-calls it, so that the real dlopen sees the host's return
 * address.  pypin_prepare() goes: the calls that pass straight through, the
 * file the loader would open, whether it needs Python (verdict.c), then pin.c
 * pins a libpython or the call is refused (refusal.h writes why).  This module
 * owns what dlerror() reports for the calls pypin fails (a refusal, or no real
 * dlopen), per thread.
 */
#ifndef PYPIN_CALL_H
#define PYPIN_CALL_H

#include "real.h"

/* Inspects what dlopen(file, mode) called from caller would load and, when it
 * needs Python, pins a libpython first.  Returns the function to finish the call
 * with: the real dlopen, or one that returns NULL after a refusal (whose reason
 * pypin_dlerror() then reports).  Keeps errno. */
pypin_dlopen_fn pypin_prepare(const char *file, int mode, const void *caller);

/* dlerror(3): pypin's pending refusal on this thread, else the real one. */
char *pypin_dlerror(void);

#endif
