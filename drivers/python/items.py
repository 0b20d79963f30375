"""Items and errors of the shmcheck driver protocol (PROTOCOL.md sections 2 and 3).

Standard library only; runs on CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

import io
import json
import math
import os
import re
import sys

PY2 = sys.version_info[0] == 2

if PY2:  # pragma: no cover - exercised on 2.7 only
    import __builtin__ as builtins
    TEXT = unicode  # noqa: F821
    INTS = (int, long)  # noqa: F821
else:
    import builtins
    TEXT = str
    INTS = (int,)

# The protocol's one table of error kinds is the schema's $defs/error_kind.
SCHEMA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'protocol',
                                      'driver-protocol.schema.json'))

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
EXACT_IN_JSON = 1 << 53
_INT_TEXT = re.compile(r'^-?[0-9]+$')


class ProtocolError(Exception):
    """A request that is itself malformed: answered with kind "other", type "ProtocolError"."""


class Unsupported(Exception):
    """The implementation lacks what the request needs: kind "unsupported"."""


def is_int(x):
    return isinstance(x, INTS) and not isinstance(x, bool)


def is_number(x):
    return (is_int(x) or isinstance(x, float)) and not isinstance(x, bool)


def decode(x):
    """A protocol item -> the Python value handed to the implementation."""
    if x is None or isinstance(x, bool) or is_int(x) or isinstance(x, float):
        return x
    if isinstance(x, list):  # only reachable for initializers; lets CPython judge
        return [decode(e) for e in x]
    if isinstance(x, dict) and len(x) == 1:
        key, val = list(x.items())[0]
        if isinstance(val, TEXT):
            if key == 'int' and _INT_TEXT.match(val):
                return int(val)
            if key == 'float' and val in ('inf', '-inf', 'nan'):
                return float(val)
            if key == 'bytes':
                try:
                    return val.encode('latin-1')
                except UnicodeError:
                    raise ProtocolError('bytes item holds a character above U+00FF')
            if key == 'str':
                return val
    raise ProtocolError('not an item: %s' % _short(x))


def encode(v):
    """A Python value read from the implementation -> a protocol item."""
    if v is None or isinstance(v, bool):
        return v
    if is_int(v):
        # Beyond 2^53 a JSON number is not exact where every number is a double (PROTOCOL.md
        # section 3): such ints travel as text.
        if -EXACT_IN_JSON <= v <= EXACT_IN_JSON:
            return int(v)
        return {'int': str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {'float': 'nan'}
        if math.isinf(v):
            return {'float': 'inf' if v > 0 else '-inf'}
        return v
    if isinstance(v, bytes):  # also str on 2.7
        return {'bytes': v.decode('latin-1')}
    if isinstance(v, TEXT):
        return {'str': v}
    raise ProtocolError('driver cannot encode a result of type %s' % type(v).__name__)


def encode_sequence(v):
    """A slice result -> a list of items ('c' slices are bytes, 'u' slices are str)."""
    if isinstance(v, (bytes, TEXT)):
        return [encode(v[i:i + 1]) for i in range(len(v))]
    return [encode(e) for e in v]


def _load_kinds(path):
    """[(exception class, kind)] in the schema's table order, from each kind's x-python names
    (builtins). A name this Python lacks is skipped: the table may name exceptions of newer
    versions. On 2.7, EnvironmentError is the base of OSError, IOError, mmap.error etc.

    Raises when the schema cannot be read or has no such table: the driver then does not
    start, and shmcheck reports it broken with this error on its stderr."""
    try:
        with io.open(path, encoding='utf-8') as f:
            rows = json.load(f)['$defs']['error_kind']['oneOf']
        kinds = set(row['const'] for row in rows)
    except (EnvironmentError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError('cannot read the error kinds ($defs/error_kind) from %s: %s' % (path, exc))
    missing = set(['other', 'unsupported']) - kinds
    if missing:
        raise RuntimeError('%s lacks the error kinds %s' % (path, ', '.join(sorted(missing))))
    table = []
    for row in rows:
        for name in row.get('x-python', []):
            cls = getattr(builtins, name, None)
            if cls is None:
                continue
            if not (isinstance(cls, type) and issubclass(cls, BaseException)):
                raise RuntimeError('%s: x-python name %r of %r is not an exception' % (path, name, row['const']))
            if all(cls is not known for known, _ in table):  # OSError is EnvironmentError on 3.x
                table.append((cls, str(row['const'])))
    return table


_KINDS = _load_kinds(SCHEMA)


def _text(x):
    try:
        s = str(x)
    except Exception:
        try:
            s = repr(x)
        except Exception:
            s = '<unprintable>'
    if isinstance(s, bytes) and not isinstance(s, TEXT):  # 2.7 str
        s = s.decode('utf-8', 'replace')
    return s


def _short(x, limit=200):
    try:
        s = json.dumps(x)
    except Exception:
        s = _text(x)
    return s if len(s) <= limit else s[:limit] + '...'


def error(kind, type_name, message):
    return {'ok': False, 'error': {'kind': kind, 'type': type_name, 'message': message}}


def error_outcome(exc):
    """Any exception -> an outcome. Exact class first, then the nearest base in the table."""
    if isinstance(exc, ProtocolError):
        return error('other', 'ProtocolError', _text(exc))
    if isinstance(exc, Unsupported):
        return error('unsupported', 'Unsupported', _text(exc))
    cls = type(exc)
    kind = 'other'
    for base, name in _KINDS:
        if cls is base:
            kind = name
            break
    else:
        for base, name in _KINDS:
            if isinstance(exc, base):
                kind = name
                break
    return error(kind, cls.__name__, _text(exc))


def dumps(obj):
    """One JSON line (without the newline), ASCII only, never NaN/Infinity."""
    return json.dumps(obj, separators=(',', ':'), ensure_ascii=True, allow_nan=False)
