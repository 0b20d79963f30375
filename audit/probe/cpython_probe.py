"""shmcheck's audit probe for a CPython interpreter (2.7 and 3.x alike): prints one JSON
object with what ctypes and array say about each sharedctypes typecode. It observes only;
shmcheck compares it with the C ABI of the same machine.

    python cpython_probe.py
"""
from __future__ import print_function

import array
import ctypes
import json
import mmap
import platform
import sys
import sysconfig
import warnings

# The C type each sharedctypes typecode names (CPython's typecode_to_type maps the code to
# the ctypes type of that C type).
C_TYPES = [("c", "char"), ("u", "wchar_t"), ("b", "signed char"), ("B", "unsigned char"), ("h", "short"),
           ("H", "unsigned short"), ("i", "int"), ("I", "unsigned int"), ("l", "long"), ("L", "unsigned long"),
           ("q", "long long"), ("Q", "unsigned long long"), ("f", "float"), ("d", "double")]


def sharedctypes_table():
    try:
        from multiprocessing import sharedctypes
        return dict(sharedctypes.typecode_to_type), ""
    except Exception as e:  # an interpreter without _multiprocessing still has ctypes
        return {}, "%s: %s" % (type(e).__name__, e)


def in_struct(t):
    """The offset of a T after a char in a ctypes Structure: its alignment inside a struct."""
    class S(ctypes.Structure):
        _fields_ = [("c", ctypes.c_char), ("t", t)]
    return S.t.offset


def itemsize(code):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'u' is deprecated in array from 3.13
        try:
            return array.array(code).itemsize, ""
        except (ValueError, TypeError) as e:
            return None, "%s: %s" % (type(e).__name__, e)


def main():
    table, table_error = sharedctypes_table()
    codes = {}
    for code, ctype in C_TYPES:
        entry = {"ctype": ctype}
        size, why = itemsize(code)
        entry["array_itemsize"] = size
        if why:
            entry["array_error"] = why
        t = table.get(code)
        if t is None:
            entry["missing"] = "not in multiprocessing.sharedctypes.typecode_to_type" + (" (%s)" % table_error if table_error else "")
        else:
            entry["ctypes_name"] = t.__name__  # c_longlong *is* c_long where both are 8 bytes
            entry["size"] = ctypes.sizeof(t)
            entry["align"] = ctypes.alignment(t)
            entry["align_in_struct"] = in_struct(t)
            # c_char and c_wchar hold characters: the C type's sign is not visible from Python.
            if code not in "cu":
                entry["signed"] = t(-1).value < 0
        codes[code] = entry
    facts = {
        "pointer_size": ctypes.sizeof(ctypes.c_void_p),
        "endianness": sys.byteorder,
        "wchar_size": ctypes.sizeof(ctypes.c_wchar),
        "page_size": mmap.PAGESIZE,
    }
    print(json.dumps({
        "probe": "shmcheck-audit-cpython/1",
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": platform.system(),
        "machine": platform.machine(),
        "triple": sysconfig.get_config_var("MULTIARCH") or "",
        "executable": sys.executable,
        "facts": facts,
        "typecodes": codes,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
