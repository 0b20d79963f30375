"""The ctypes differences behind pypy.json's PyPy bugs, one line each.

Run it under PyPy and under CPython and compare:
    /usr/bin/pypy3 pypy_ctypes.py; /usr/bin/python3 pypy_ctypes.py
Each line prints what the snippet returned or the exception it raised.
"""
import ctypes
from multiprocessing import sharedctypes as s


def show(label, snippet):
    try:
        out = repr(snippet())
    except Exception as exc:
        out = '%s: %s' % (type(exc).__name__, exc)
    print('%-36s %s' % (label, out))


def slice_store():
    a = s.RawArray('i', 3)
    a[1::2] = [7]
    return a[:]


def falsy_value_store():
    c = ctypes.c_char(b'A')
    c.value = 0
    return c.value


def none_element_store():
    a = s.RawArray('u', 'AB')
    a[0] = None
    return a[:]


# c_char setter: out-of-range int (CPython: TypeError; PyPy: ValueError)
show("c_char(256)", lambda: ctypes.c_char(256))
# c_char / c_wchar setter: `if val:` skips falsy values (CPython stores NUL or raises TypeError)
show("c_char(b'A').value = 0", falsy_value_store)
show("RawArray('c', [None])", lambda: s.RawArray('c', [None]).raw)
show("RawArray('u', 'AB')[0] = None", none_element_store)
# Array has no _copy_to: pointer(dst)[0] = src writes src's address into dst[0]
show("copy(RawArray('i', [1, 2]))", lambda: s.copy(s.RawArray('i', [1, 2]))[:])
show("copy(RawArray('i', 0))", lambda: s.copy(s.RawArray('i', 0))[:])
show("copy(RawArray('c', b'xy'))", lambda: s.copy(s.RawArray('c', b'xy')).raw)
# array_slice_setitem: slice length by true division
show("a = RawArray('i', 3); a[1::2] = [7]", slice_store)
