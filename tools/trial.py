# Python's half of pypin-inspect's trial (tools/trial.c): _pypin_trial(fd,
# names) imports each module and reports to descriptor fd, a line each:
# '+' success, '-' failure, ' ' detail.  The Makefile makes this file a C
# string; the trial runs it, then the call, in the plugin's interpreter,
# which may be a Python 2.7: keep to what both read.  The names were checked
# to be dotted identifiers.
def _pypin_trial(fd, names):
    import importlib, os, sys
    try:
        from importlib.util import find_spec
    except ImportError:
        find_spec = None                # Python 2
    def say(s):
        os.write(fd, (s.replace('\n', ' ') + '\n').encode('utf-8', 'replace'))
    say(' Python %s, prefix %s' % (sys.version.split()[0], sys.prefix))
    if not names:
        names = ['numpy'] if find_spec and find_spec('numpy') else ['_ctypes']
    for n in names:
        try:
            m = importlib.import_module(n)
        except BaseException as e:
            lines = [l.strip() for l in str(e).splitlines() if l.strip()]
            lines = [l for l in lines if not l.startswith('IMPORTANT:')] or ['']
            say('-%s: %s: %s' % (n, type(e).__name__, lines[0]))
            for l in lines[1:]:
                if 'undefined symbol' in l or l.startswith('Original error'):
                    say(' %s: %s' % (n, l))
        else:
            v = getattr(m, '__version__', None)
            f = getattr(m, '__file__', None) or 'built in'
            say('+%s%s (%s)' % (n, ' ' + v if isinstance(v, str) else '', f))
