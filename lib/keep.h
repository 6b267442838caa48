/* pypin: keep (PYPIN_KEEP): one interpreter for the life of the process.
 *
 * With keep on, when pypin itself loads or promotes the libpython, it first
 * loads its companion, libpypin-keep.so (preload/keep.c), from the directory
 * libpypin.so was loaded from, RTLD_NOW|RTLD_GLOBAL: the companion's
 * Py_Finalize*, Py_Initialize* and Py_IsInitialized then come before
 * libpython's in the global scope, and a plugin's finalization keeps the
 * interpreter instead of ending it.  Not when Python was in the process before
 * pypin acted (already global, or already started), nor for Python 2.
 */
#ifndef PYPIN_KEEP_H
#define PYPIN_KEEP_H

#include <stddef.h>

#define PYPIN_KEEP_NAME "libpypin-keep.so"

/* The libpython functions the companion calls, in one list for it (which
 * looks them up in the mapped libpython) and for pypin_keep_fits() (which
 * reads them from the file before the companion is loaded).  All those before
 * KEEP_NEEDED must be defined; of the optional ones, CURRENT_OLD
 * (3.5 to 3.12) or CURRENT_NEW (3.13) must be.  Py_FinalizeEx (3.6) turns
 * 3.0 to 3.5 away. */
#define PYPIN_KEEP_FNS(X) \
	X(FINALIZE_EX, "Py_FinalizeEx") X(FINALIZE, "Py_Finalize") \
	X(INITIALIZE, "Py_Initialize") X(INITIALIZE_EX, "Py_InitializeEx") \
	X(IS_INITIALIZED, "Py_IsInitialized") X(AT_EXIT, "Py_AtExit") \
	X(APPEND_INITTAB, "PyImport_AppendInittab") \
	X(EXTEND_INITTAB, "PyImport_ExtendInittab") \
	X(GIL_ENSURE, "PyGILState_Ensure") X(GIL_RELEASE, "PyGILState_Release") \
	X(GIL_THIS, "PyGILState_GetThisThreadState") \
	X(RESTORE_THREAD, "PyEval_RestoreThread") X(SAVE_THREAD, "PyEval_SaveThread") \
	X(TS_CLEAR, "PyThreadState_Clear") \
	X(TS_DELETE_CURRENT, "PyThreadState_DeleteCurrent") \
	X(IMPORT, "PyImport_ImportModule") X(CALL_METHOD, "PyObject_CallMethod") \
	X(SYS_GET, "PySys_GetObject") X(DECREF, "Py_DecRef") X(NONE, "_Py_NoneStruct") \
	X(ERR_CLEAR, "PyErr_Clear") X(ERR_UNRAISABLE, "PyErr_WriteUnraisable") \
	X(ERR_PRINT, "PyErr_Print") X(DICT_NEW, "PyDict_New") \
	X(SET_ITEM, "PyObject_SetItem") X(SET_ATTR, "PyObject_SetAttrString") \
	X(GET_ATTR, "PyObject_GetAttrString") X(UNICODE, "PyUnicode_FromString") \
	X(MODULE_DEF_TYPE, "PyModuleDef_Type") X(MODULE_GET_DEF, "PyModule_GetDef") \
	X(STATE_ADD_MODULE, "PyState_AddModule") \
	X(MODULE_FROM_DEF, "PyModule_FromDefAndSpec2") X(MODULE_EXEC_DEF, "PyModule_ExecDef") \
	X(KEEP_NEEDED, NULL) \
	X(INITIALIZE_FROM_CONFIG, "Py_InitializeFromConfig") \
	X(CURRENT_OLD, "_PyThreadState_UncheckedGet") \
	X(CURRENT_NEW, "PyThreadState_GetUnchecked")

#define PYPIN_KEEP_ENUM(id, name) PYPIN_KEEP_##id,
enum pypin_keep_fn { PYPIN_KEEP_FNS(PYPIN_KEEP_ENUM) PYPIN_KEEP_NFN };
#undef PYPIN_KEEP_ENUM

/* Whether the libpython at path (read from the file: nothing is loaded)
 * defines every function keep needs: 0, or 1 with the first it lacks in sym,
 * or -1 when it cannot be read. */
int pypin_keep_fits(const char *path, char *sym, size_t symsz);

/* Called just before pypin loads (promote = 0) or promotes (promote = 1) the
 * libpython at path, of version tag; global says that Python was in the global
 * scope before pypin acted.  Returns the companion's handle, or NULL when keep
 * is off or does not apply.  With keep off it costs a load. */
void *pypin_keep_before(const char *path, const char *tag, int promote, int global);

/* Called after: python is the libpython's handle, or NULL when it could not be
 * loaded (the companion is then unloaded again; nothing is kept). */
void pypin_keep_after(void *keep, void *python);

/* The companion's path, beside the object that contains `self` (libpypin.so or
 * pypin-inspect's lib); returns 0, or -1 when it cannot be named. */
int pypin_keep_path(const void *self, const char *lib, char *out, size_t outsz);

#endif
