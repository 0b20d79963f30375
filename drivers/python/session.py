"""The objects of one driver session and the operations on them (PROTOCOL.md section 4).

Used by driver.py in the driver process and by child_main() in child processes, so it must
import cleanly under spawn/forkserver (no side effects at import time).
"""
from __future__ import print_function, division

import ctypes
import gc
import json
import os
import platform
import signal
import sys
import time

import under_test
from under_test import multiprocessing, sharedctypes

from items import (ProtocolError, Unsupported, TEXT, is_int, is_number, decode, encode,
                   encode_sequence, error, error_outcome, dumps)

PROTOCOL = 1
TYPECODES = 'cubBhHiIlLqQfd'
HAVE_CTX = hasattr(multiprocessing, 'get_context')  # False on 2.7
_MISSING = object()
_now = getattr(time, 'monotonic', time.time)

# The driver's duplicate of its real stdout; set by driver.py, closed in forked children.
PROTO_FD = None


def start_methods():
    if HAVE_CTX:
        return list(multiprocessing.get_all_start_methods())
    return ['fork']


def implementation_name():
    """What runs the driver: "cpython", "pypy", ..."""
    return platform.python_implementation().lower()


def implementation_version():
    """The implementation's own version: PyPy's is not the Python version it implements."""
    info = getattr(sys, 'pypy_version_info', None)
    if info is not None:
        return '%d.%d.%d' % tuple(info[:3])
    return platform.python_version()


def hello_result():
    tcs = [c for c in TYPECODES if c in sharedctypes.typecode_to_type]
    sizes = {}
    for c in tcs:
        t = sharedctypes.typecode_to_type[c]
        sizes[c] = [ctypes.sizeof(t), ctypes.alignment(t)]
    detail = '%s; %s %s' % (platform.platform(), platform.python_implementation(),
                            ' '.join(sys.version.split()))
    return {
        'protocol': PROTOCOL, 'name': implementation_name(), 'version': implementation_version(),
        'language': {'name': 'python', 'version': platform.python_version()},
        # The standard library's module has no version of its own: it is the interpreter's.
        'module': {'name': under_test.NAME, 'version': under_test.version() or platform.python_version()},
        'platform': {'os': platform.system().lower(), 'machine': platform.machine(),
                     'detail': detail},
        'capabilities': {
            'typecodes': ''.join(tcs), 'sizes': sizes, 'robust_lock': False,
            'atomic_ops': False, 'start_methods': start_methods(), 'child': True,
            'async_child': True,
            'scenarios': ['counter', 'torn', 'ring', 'owner-death', 'lifetime-cycles', 'lifetime-create',
                          'lifetime-outlive', 'lifetime-exec'],
        },
    }


class Outcome(dict):
    """A handler's complete outcome, returned as it is (used by child)."""


def _referenced(ops, out):
    """The handles that a list of requests names, for passing them to a child."""
    for op in ops if isinstance(ops, list) else []:
        if not isinstance(op, dict):
            continue
        if isinstance(op.get('obj'), TEXT):
            out.add(op['obj'])
        lock = op.get('lock')
        if isinstance(lock, dict) and isinstance(lock.get('shared_with'), TEXT):
            out.add(lock['shared_with'])
        _referenced(op.get('ops'), out)
    return out


class Session(object):
    OPS = ('hello', 'create', 'get', 'set', 'get_slice', 'set_slice', 'len', 'value',
           'set_value', 'raw', 'set_raw', 'get_obj', 'copy', 'synchronized', 'drop',
           'acquire', 'release', 'batch', 'child', 'child_start', 'child_wait', 'wait_for',
           'nbytes', 'fetch_add', 'owner_deaths', 'collect', 'stress', 'bye')

    def __init__(self, start_method='fork', child_timeout=8.0, in_child=False):
        self.start_method = start_method
        self.child_timeout = child_timeout
        self.in_child = in_child
        self.ctx = multiprocessing.get_context(start_method) if HAVE_CTX else None
        self.handles = {}
        self._counter = 0
        self.children = {}  # child_start handle -> (process, reader, request count, deadline)

    # -- plumbing -------------------------------------------------------------------------

    def run(self, req, nested=False):
        """One request (id ignored) -> {"ok": ..., "result"|"error": ...}. Never raises."""
        try:
            if not isinstance(req, dict):
                raise ProtocolError('a request must be a JSON object')
            op = req.get('op')
            if op not in self.OPS:
                raise ProtocolError('unknown op: %s' % json.dumps(op))
            if nested and op in ('hello', 'bye'):
                raise ProtocolError('%s is not allowed inside batch or child' % op)
            name = req.get('as')
            if name is not None and (not isinstance(name, TEXT) or not name):
                raise ProtocolError('"as" must be a non-empty string')
            result = getattr(self, 'op_' + op)(req)
            if isinstance(result, Outcome):
                return dict(result)
            return {'ok': True, 'result': result}
        except Exception as exc:
            return error_outcome(exc)

    def _arg(self, req, name, check=None, what='', default=_MISSING):
        if name not in req:
            if default is _MISSING:
                raise ProtocolError('%s: missing argument "%s"' % (req.get('op'), name))
            return default
        val = req[name]
        if check is not None and not check(val):
            raise ProtocolError('%s: argument "%s" must be %s' % (req.get('op'), name, what))
        return val

    def _handle(self, name):
        if not isinstance(name, TEXT):
            raise ProtocolError('a handle must be a string')
        try:
            return self.handles[name]
        except KeyError:
            raise ProtocolError('unknown handle: %s' % json.dumps(name))

    def _obj(self, req):
        return self._handle(self._arg(req, 'obj'))

    def _bind(self, obj, req):
        name = req.get('as')  # checked in run()
        if name is None:
            while True:
                self._counter += 1
                name = 'h%d' % self._counter
                if name not in self.handles:
                    break
        self.handles[name] = obj
        return name

    def _ctx_kw(self):
        return {'ctx': self.ctx} if HAVE_CTX else {}

    def _slice(self, req):
        s = self._arg(req, 'slice', lambda v: isinstance(v, list) and len(v) == 3 and all(
            e is None or is_int(e) for e in v), 'a list [start, stop, step] of ints or nulls')
        return slice(s[0], s[1], s[2])

    # -- operations -----------------------------------------------------------------------

    def op_hello(self, req):
        proto = self._arg(req, 'protocol', is_int, 'an integer')
        if proto != PROTOCOL:
            raise Unsupported('protocol version mismatch: the driver speaks %d, not %d'
                              % (PROTOCOL, proto))
        return hello_result()

    def op_bye(self, req):
        return None

    def op_create(self, req):
        shape = self._arg(req, 'shape', lambda v: v in ('value', 'array'), '"value" or "array"')
        tc = self._arg(req, 'tc', lambda v: isinstance(v, TEXT), 'a string')
        if not isinstance(tc, str):  # 2.7: json gives unicode; CPython's table keys are str
            try:
                tc = tc.encode('ascii')
            except UnicodeError:
                pass
        lock = self._arg(req, 'lock', default='own')
        if lock == 'own':
            lock = True
        elif lock == 'none':
            lock = False
        elif isinstance(lock, dict) and list(lock) == ['shared_with']:
            lock = self._handle(lock['shared_with']).get_lock()
        else:
            raise ProtocolError('create: lock must be "own", "none" or {"shared_with": HANDLE}')
        if shape == 'value':
            args = [decode(req['init'])] if 'init' in req else []
            if lock is False:
                obj = sharedctypes.RawValue(tc, *args)
            else:
                obj = sharedctypes.Value(tc, *args, lock=lock, **self._ctx_kw())
        else:
            if ('size' in req) == ('init' in req):
                raise ProtocolError('create: an array needs exactly one of "size" and "init"')
            if 'size' in req:
                arg = self._arg(req, 'size', is_int, 'an integer')
            else:
                arg = decode(req['init'])  # a list, or e.g. bytes for 'c': CPython judges
            if lock is False:
                obj = sharedctypes.RawArray(tc, arg)
            else:
                obj = sharedctypes.Array(tc, arg, lock=lock, **self._ctx_kw())
        return self._bind(obj, req)

    def op_get(self, req):
        obj = self._obj(req)
        return encode(obj[self._arg(req, 'index', is_int, 'an integer')])

    def op_set(self, req):
        obj = self._obj(req)
        index = self._arg(req, 'index', is_int, 'an integer')
        obj[index] = decode(self._arg(req, 'item'))
        return None

    def op_get_slice(self, req):
        obj = self._obj(req)
        return encode_sequence(obj[self._slice(req)])

    def op_set_slice(self, req):
        obj = self._obj(req)
        sl = self._slice(req)
        items = [decode(e) for e in self._arg(req, 'items', lambda v: isinstance(v, list),
                                              'a list of items')]
        obj[sl] = items
        return None

    def op_len(self, req):
        return len(self._obj(req))

    def op_nbytes(self, req):
        obj = self._obj(req)
        return ctypes.sizeof(obj.get_obj() if hasattr(obj, 'get_obj') else obj)

    def op_wait_for(self, req):
        # Reads through the object's own path (locked if it is) until the item is seen.
        obj = self._obj(req)
        want = decode(self._arg(req, 'item'))
        timeout = self._arg(req, 'timeout', is_number, 'a number', 5.0)
        index = self._arg(req, 'index', is_int, 'an integer', None)
        deadline, pause = _now() + timeout, 0.00002
        while True:
            seen = obj.value if index is None else obj[index]
            if seen == want:
                return True
            if _now() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.002)

    def op_value(self, req):
        return encode(self._obj(req).value)

    def op_set_value(self, req):
        obj = self._obj(req)
        obj.value = decode(self._arg(req, 'item'))
        return None

    def op_raw(self, req):
        return encode(self._obj(req).raw)

    def op_set_raw(self, req):
        obj = self._obj(req)
        obj.raw = decode(self._arg(req, 'item'))
        return None

    def op_get_obj(self, req):
        return self._bind(self._obj(req).get_obj(), req)

    def op_copy(self, req):
        return self._bind(sharedctypes.copy(self._obj(req)), req)

    def op_synchronized(self, req):
        return self._bind(sharedctypes.synchronized(self._obj(req), **self._ctx_kw()), req)

    def op_drop(self, req):
        name = self._arg(req, 'obj')
        self._handle(name)
        del self.handles[name]
        return None

    def op_acquire(self, req):
        obj = self._obj(req)
        blocking = self._arg(req, 'blocking', lambda v: isinstance(v, bool), 'a boolean', True)
        timeout = self._arg(req, 'timeout', is_number, 'a number', None)
        return obj.get_lock().acquire(blocking, timeout)

    def op_release(self, req):
        self._obj(req).get_lock().release()
        return None

    def op_collect(self, req):
        # A dropped object's memory comes back when the collector runs (at once on CPython by
        # reference counting, later on PyPy): shmcheck asks before it counts or reuses memory.
        gc.collect()
        return None

    def op_fetch_add(self, req):
        # sharedctypes has no lock-free add (capability atomic_ops is false).
        raise Unsupported('multiprocessing.sharedctypes has no lock-free fetch_add')

    def op_owner_deaths(self, req):
        # Its locks are semaphores with no owner (capability robust_lock is false).
        raise Unsupported("multiprocessing's locks do not detect or count dead owners")

    def op_batch(self, req):
        ops = self._arg(req, 'ops', lambda v: isinstance(v, list), 'a list of requests')
        return [self.run(op, nested=True) for op in ops]

    def op_stress(self, req):
        # Imported on use: the ordinary operations do not need them.
        import stress_counter, stress_lifetime, stress_owner_death, stress_ring, stress_torn
        name = self._arg(req, 'scenario', lambda v: isinstance(v, TEXT), 'a string')
        params = self._arg(req, 'params', lambda v: isinstance(v, dict), 'an object', {})
        if self.in_child:
            raise Unsupported('stress scenarios run from the driver, not from a child')
        ctx = self.ctx or multiprocessing
        if name == 'counter':
            return stress_counter.counter(ctx, params)
        if name == 'torn':
            return stress_torn.torn(ctx, params)
        if name == 'ring':
            return stress_ring.ring(ctx, params)
        if name == 'owner-death':
            return stress_owner_death.owner_death(ctx, params)
        if name == 'lifetime-cycles':
            return stress_lifetime.lifetime_cycles(ctx, params)
        if name == 'lifetime-outlive':
            return stress_lifetime.lifetime_outlive(ctx, params, self.start_method)
        if name == 'lifetime-exec':
            return stress_lifetime.lifetime_exec(params)
        if name == 'lifetime-create':
            count = params.get('objects', 100)
            for i in range(count):
                obj = (sharedctypes.Value('i', **self._ctx_kw()) if i % 2 == 0
                       else sharedctypes.Array('i', 8, **self._ctx_kw()))
                self._bind(obj, {})
            return {'created': count, 'pid': os.getpid()}
        raise Unsupported('no stress scenario %s' % json.dumps(name))

    def _start_child(self, req):
        ops = self._arg(req, 'ops', lambda v: isinstance(v, list), 'a list of requests')
        method = self._arg(req, 'start', lambda v: isinstance(v, TEXT), 'a string',
                           self.start_method)
        timeout = self._arg(req, 'timeout', is_number, 'a number', self.child_timeout)
        if self.in_child:
            raise Unsupported('this driver does not start a child from a child')
        if method not in start_methods():
            raise Unsupported('start method %s is not available here' % json.dumps(method))
        objs = dict((n, self.handles[n]) for n in _referenced(ops, set()) if n in self.handles)
        mp = multiprocessing.get_context(method) if HAVE_CTX else multiprocessing
        reader, writer = mp.Pipe(duplex=False)
        proc = mp.Process(target=child_main,
                          args=(writer, ops, objs, self.start_method, self.child_timeout))
        proc.daemon = True
        try:
            proc.start()  # CPython's own errors here (pickling, fork-context locks) are
        except BaseException:  # observations of the whole request
            reader.close()
            raise
        finally:
            writer.close()
        return (proc, reader, len(ops), _now() + timeout)

    def op_child(self, req):
        proc, reader, count, deadline = self._start_child(req)
        try:
            return self._collect(proc, reader, count, deadline)
        finally:
            reader.close()

    def op_child_start(self, req):
        name = req.get('as')
        if name in self.children:
            raise ProtocolError('child_start: a child %s is already running' % json.dumps(name))
        started = self._start_child(req)
        if name is None:
            self._counter += 1
            name = 'c%d' % self._counter
        self.children[name] = started
        return name

    def op_child_wait(self, req):
        name = self._arg(req, 'obj', lambda v: isinstance(v, TEXT), 'a string')
        if name not in self.children:
            raise ProtocolError('child_wait: no running child %s' % json.dumps(name))
        proc, reader, count, deadline = self.children.pop(name)
        try:
            return self._collect(proc, reader, count, deadline)
        finally:
            reader.close()

    def _collect(self, proc, reader, count, deadline):
        outcomes, done, timed_out = [], False, False
        while not done:
            remaining = deadline - _now()
            if remaining <= 0 or not reader.poll(remaining):
                timed_out = True
                break
            try:
                msg = json.loads(reader.recv_bytes().decode('utf-8'))
            except (EOFError, EnvironmentError):
                break
            if 'done' in msg:
                done = True
            else:
                outcomes.append(msg['outcome'])
        proc.join(max(0.0, deadline - _now()) if not timed_out else 0.0)
        if proc.exitcode is None:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.join()
            timed_out = timed_out or not done
        code = proc.exitcode
        status = {'signal': -code} if code < 0 else {'code': code}
        how = ('exit code %d' % code) if code >= 0 else ('signal %d' % -code)
        first = len(outcomes)
        for i in range(first, count):
            if timed_out:
                outcomes.append(error('timeout', 'ChildTimeout', (
                    'the child timed out while running this request' if i == first
                    else 'not run: the child timed out earlier') + ' (killed, %s)' % how))
            else:
                outcomes.append(error('crashed', 'ChildDied', (
                    'the child ended before answering this request' if i == first
                    else 'not run: the child ended earlier') + ' (%s)' % how))
        return Outcome(ok=True, result={'outcomes': outcomes, 'exit': status})


def child_main(writer, ops, objs, start_method, child_timeout):
    """The target of a child process: run ops on the objects, send outcomes as JSON text."""
    global PROTO_FD
    if PROTO_FD is not None:  # forked from the driver: never touch its protocol stream
        try:
            os.close(PROTO_FD)
        except OSError:
            pass
        PROTO_FD = None
    sys.stdout = sys.stderr
    session = Session(start_method, child_timeout, in_child=True)
    session.handles.update(objs)
    for op in ops:
        out = session.run(op, nested=True)
        try:
            text = dumps({'outcome': out})
        except Exception as exc:
            text = dumps({'outcome': error_outcome(ProtocolError('unencodable: %s' % exc))})
        writer.send_bytes(text.encode('utf-8'))
    writer.send_bytes(dumps({'done': True}).encode('utf-8'))
    writer.close()
