#!/usr/bin/env node
'use strict';
// shmcheck driver protocol v1 (protocol/PROTOCOL.md) for an in-process JavaScript
// implementation of sharedctypes' Value and Array (objects.js). An example for authors of
// drivers in other languages: Node.js's standard library only.
//
// One request a line on stdin, one response a line on stdout, in order. Nothing else goes
// to stdout; diagnostics go to stderr.
const os = require('os');
const json = require('./json');
const { ShmError, ProtocolError, TYPECODES, decodeItem, pyType, typeError } = require('./items');
const { SharedObject, Lock, newValue, newArray } = require('./objects');

const VERSION = '0.1.0';

// --- Arguments ------------------------------------------------------------------------------
// A missing or ill-typed argument is a ProtocolError: shmcheck and the driver disagree.

function arg(req, key, check, what, dflt) {
  if (!(key in req)) {
    if (dflt !== undefined) return dflt;
    throw new ProtocolError(`${req.op}: missing "${key}"`);
  }
  if (!check(req[key])) throw new ProtocolError(`${req.op}: "${key}" must be ${what}`);
  return req[key];
}
const isInt = (x) => typeof x === 'bigint';
const isNumber = (x) => typeof x === 'bigint' || typeof x === 'number';
const isText = (x) => typeof x === 'string' && x.length > 0;
const isBound = (x) => x === null || isInt(x);

const intArg = (req, key, dflt) => arg(req, key, isInt, 'an int', dflt);
const itemArg = (req, key = 'item') => decodeItem(arg(req, key, () => true, 'an item'));
function secondsArg(req, key, dflt) {
  const x = arg(req, key, (v) => v === null || isNumber(v), 'a number of seconds', null);
  return x === null ? dflt : Number(x);
}
const sliceArg = (req) =>
  arg(req, 'slice', (x) => Array.isArray(x) && x.length === 3 && x.every(isBound), '[start, stop, step] of ints or null');

// --- The session: handles to objects ----------------------------------------------------

const handles = new Map();
let fresh = 0;

function lookup(req, key = 'obj') {
  const name = arg(req, key, isText, 'a handle');
  const obj = handles.get(name);
  if (!obj) throw new ProtocolError(`unknown handle "${name}"`);
  return obj;
}

// Names a new object: "as" when given (rebinding an existing name), else a fresh handle.
function bind(req, obj) {
  let name = arg(req, 'as', isText, 'a non-empty string', null);
  if (name === null) {
    do name = `o${++fresh}`;
    while (handles.has(name));
  }
  handles.set(name, obj);
  return name;
}

function create(req) {
  const shape = arg(req, 'shape', (x) => x === 'value' || x === 'array', '"value" or "array"');
  const tc = arg(req, 'tc', (x) => typeof x === 'string', 'a typecode');
  const lockSpec = arg(req, 'lock', (x) => x === 'own' || x === 'none' ||
    (x !== null && typeof x === 'object' && Object.keys(x).length === 1 && isText(x.shared_with)),
  '"own", "none" or {"shared_with": HANDLE}', 'own');
  // Value(..., lock=other.get_lock()): the other object's lock is fetched first.
  const lock = lockSpec === 'own' ? new Lock() : lockSpec === 'none' ? null : lookup(lockSpec, 'shared_with').getLock();
  let memory;
  if (shape === 'value') {
    memory = newValue(tc, 'init' in req ? itemArg(req, 'init') : null);
  } else {
    if (('size' in req) === ('init' in req)) throw new ProtocolError('create: an array needs exactly one of "size" and "init"');
    memory = 'size' in req ? newArray(tc, intArg(req, 'size'), null) : newArray(tc, 0n, initializer(req.init));
  }
  return bind(req, new SharedObject(memory, lock));
}

// An array's initializer: a list of items; or, as CPython takes any sequence, one bytes item
// (its bytes, as ints) or one str item (its characters).
function initializer(init) {
  if (Array.isArray(init)) return init.map(decodeItem);
  const item = decodeItem(init);
  if (item.t === 'bytes') return [...item.v].map((ch) => ({ t: 'int', v: BigInt(ch.charCodeAt(0)) }));
  if (item.t === 'str') return [...item.v].map((ch) => ({ t: 'str', v: ch }));
  throw typeError(`object of type '${pyType(item)}' has no len()`);
}

// Is what a read gave the item wait_for waits for? Items compare as the protocol compares
// them: an int and a float differ, except that for a float typecode 2 is 2.0.
function sameItem(read, want, tc) {
  const a = decodeItem(read);
  const numeric = (x) => x.t === 'int' || x.t === 'float';
  if (numeric(a) && numeric(want)) {
    if (a.t === 'int' && want.t === 'int') return a.v === want.v;
    if (a.t !== want.t && TYPECODES[tc].kind !== 'float') return false;
    return Object.is(Number(a.v), Number(want.v));
  }
  return a.t === want.t && a.v === want.v;
}

function sleep(seconds) {
  if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

// --- Operations -------------------------------------------------------------------------
// Each returns its result (section 4; ints as BigInts, see json.js) or throws: a ShmError is
// the implementation's error, a ProtocolError a request it cannot read.

const unsupported = (what) => () => {
  throw new ShmError('unsupported', 'NotImplemented', `${what}: this in-process example has no other processes`);
};

const OPS = {
  hello(req) {
    if (intArg(req, 'protocol') !== 1n) throw new ShmError('unsupported', 'ProtocolVersion', 'protocol version mismatch: this driver speaks 1');
    const sizes = {};
    for (const [code, t] of Object.entries(TYPECODES)) sizes[code] = [BigInt(t.size), BigInt(t.size)];
    return {
      protocol: 1n, name: 'node-example', version: VERSION,
      language: { name: 'javascript', version: process.versions.node },
      module: { name: 'node-example', version: VERSION },
      platform: { os: process.platform, machine: os.machine(), detail: `${os.type()} ${os.release()}, node ${process.version}` },
      capabilities: {
        typecodes: Object.keys(TYPECODES).join(''), sizes,
        robust_lock: false, atomic_ops: false, child: false, async_child: false, start_methods: [], scenarios: [],
      },
    };
  },
  create,
  get: (req) => lookup(req).get(intArg(req, 'index')),
  set(req) {
    const obj = lookup(req);
    obj.set(intArg(req, 'index'), itemArg(req));
    return null;
  },
  get_slice: (req) => lookup(req).getSlice(sliceArg(req)),
  set_slice(req) {
    const obj = lookup(req);
    const slice = sliceArg(req);
    const items = arg(req, 'items', Array.isArray, 'a list of items').map(decodeItem);
    obj.setSlice(slice, items);
    return null;
  },
  len: (req) => lookup(req).len(),
  nbytes: (req) => lookup(req).nbytes(),
  value: (req) => lookup(req).value(),
  raw: (req) => lookup(req).raw(),
  set_value(req) {
    const obj = lookup(req);
    obj.setValue(itemArg(req));
    return null;
  },
  set_raw(req) {
    const obj = lookup(req);
    obj.setRaw(itemArg(req));
    return null;
  },
  get_obj: (req) => bind(req, lookup(req).getObj()),
  copy: (req) => bind(req, lookup(req).copy()),
  synchronized: (req) => bind(req, lookup(req).synchronized()),
  drop(req) {
    lookup(req);
    handles.delete(req.obj); // the memory goes when nothing refers to it any more
    return null;
  },
  acquire(req) {
    const obj = lookup(req);
    arg(req, 'blocking', (x) => typeof x === 'boolean', 'a boolean', true);
    secondsArg(req, 'timeout', null);
    return obj.acquire(); // one process: the lock is free or already ours, never waited for
  },
  release(req) {
    lookup(req).release();
    return null;
  },
  wait_for(req) {
    const obj = lookup(req);
    const want = itemArg(req);
    const index = intArg(req, 'index', null);
    const seconds = secondsArg(req, 'timeout', 5);
    const read = () => (index === null ? obj.value() : obj.get(index));
    if (sameItem(read(), want, obj.memory.tc)) return true;
    sleep(seconds); // no other process can write meanwhile: look once more when the time is up
    return sameItem(read(), want, obj.memory.tc);
  },
  collect: () => null, // JavaScript's collector frees unreachable buffers by itself
  batch(req) {
    return arg(req, 'ops', Array.isArray, 'a list of requests').map((sub) => outcome(sub, true));
  },
  bye: () => null,
  child: unsupported('child'),
  child_start: unsupported('child_start'),
  child_wait: unsupported('child_wait'),
  stress: unsupported('stress'),
  fetch_add: () => {
    throw new ShmError('unsupported', 'NotImplemented', 'fetch_add: no lock-free operations (atomic_ops false)');
  },
  owner_deaths: () => {
    throw new ShmError('unsupported', 'NotImplemented', 'owner_deaths: one process, no owner ever dies (robust_lock false)');
  },
};

// One request's outcome: {ok, result} or {ok, error}. Never throws.
function outcome(req, nested) {
  try {
    if (req === null || typeof req !== 'object' || Array.isArray(req)) throw new ProtocolError('a request is an object');
    const op = req.op;
    if (typeof op !== 'string') throw new ProtocolError('a request needs an "op" string');
    if (!Object.prototype.hasOwnProperty.call(OPS, op)) throw new ProtocolError(`unknown op ${JSON.stringify(op)}`);
    if (nested && (op === 'hello' || op === 'bye')) throw new ProtocolError(`${op} is not allowed inside a batch`);
    const result = OPS[op](req);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ShmError) return { ok: false, error: { kind: e.kind, type: e.type, message: e.message } };
    if (e instanceof ProtocolError) return { ok: false, error: { kind: 'other', type: 'ProtocolError', message: e.message } };
    // A bug of this driver, not a request it cannot read: report it as what it is.
    process.stderr.write(`node-example: internal error: ${e.stack}\n`);
    return { ok: false, error: { kind: 'other', type: e.name || 'Error', message: String(e.message) } };
  }
}

// --- Transport ------------------------------------------------------------------------------

function answer(line) {
  let req;
  try {
    req = json.parse(line);
  } catch (e) {
    return { response: { id: null, ok: false, error: { kind: 'other', type: 'ProtocolError', message: `not JSON: ${e.message}` } } };
  }
  const usable = req !== null && typeof req === 'object' && !Array.isArray(req) && isInt(req.id) && req.id >= 0n;
  if (!usable) {
    return { response: { id: null, ok: false, error: { kind: 'other', type: 'ProtocolError', message: 'a request is an object with a non-negative int "id"' } } };
  }
  return { response: { id: req.id, ...outcome(req, false) }, bye: req.op === 'bye' };
}

let pending = Buffer.alloc(0);
let finished = false;

process.stdout.on('error', (e) => {
  process.stderr.write(`node-example: stdout: ${e.message}\n`);
  process.exit(1);
});

process.stdin.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  let nl;
  while (!finished && (nl = pending.indexOf(0x0a)) >= 0) {
    const line = pending.toString('utf8', 0, nl);
    pending = pending.subarray(nl + 1);
    const { response, bye } = answer(line);
    const text = json.stringify(response) + '\n';
    if (bye) {
      finished = true;
      process.stdout.write(text, () => process.exit(0));
    } else {
      process.stdout.write(text); // synchronous for pipes and files on Linux
    }
  }
});
process.stdin.on('end', () => {
  if (!finished) process.exit(0);
});
