'use strict';
// The implementation under test: sharedctypes' Value and Array, in one process.
//
// A Memory is the elements: a SharedArrayBuffer read and written through a DataView in the
// machine's byte order, as C would lay them out. A Lock is a recursive lock (an RLock). An
// object, what a handle names, is a Memory and either a Lock (a synchronized object, as
// Value(..., lock=True) gives) or null (a raw object, as RawValue or lock=False gives).
// Several objects may share a Memory (get_obj, synchronized) or a Lock (shared_with).
const {
  ShmError, TYPECODES, typeError, valueError, indexError, overflowError, attributeError, assertionError,
  toElement, fromElement, encodeBytes, encodeStr, pyType,
} = require('./items');

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_BYTES = 2n ** 63n - 1n; // Py_ssize_t: past it ctypes says "array too large"

class Memory {
  constructor(tc, length, isValue) {
    this.tc = tc;
    this.size = TYPECODES[tc].size;
    this.length = length;
    this.isValue = isValue;
    let buffer;
    try {
      buffer = new SharedArrayBuffer(length * this.size); // zero-filled
    } catch (e) { // RangeError: more than this process can have
      throw new ShmError('os_error', 'MemoryError', `cannot allocate ${length * this.size} bytes: ${e.message}`);
    }
    this.view = new DataView(buffer);
  }

  read(i) {
    const v = this.view;
    const at = i * this.size;
    const t = TYPECODES[this.tc];
    if (t.kind === 'float') return this.size === 4 ? v.getFloat32(at, LITTLE) : v.getFloat64(at, LITTLE);
    if (this.size === 8) return t.signed ? v.getBigInt64(at, LITTLE) : v.getBigUint64(at, LITTLE);
    const u = this.size === 1 ? v.getUint8(at) : this.size === 2 ? v.getUint16(at, LITTLE) : v.getUint32(at, LITTLE);
    if (t.kind !== 'int') return u; // 'c': a byte, 'u': a code point
    return t.signed ? BigInt.asIntN(8 * this.size, BigInt(u)) : BigInt(u);
  }

  // e: what toElement() made of an item: a BigInt in range, a number, a byte or a code point.
  write(i, e) {
    const v = this.view;
    const at = i * this.size;
    if (TYPECODES[this.tc].kind === 'float') {
      return this.size === 4 ? v.setFloat32(at, e, LITTLE) : v.setFloat64(at, e, LITTLE);
    }
    const bits = 8 * this.size;
    if (typeof e === 'bigint') { // two's complement: the unsigned form has the same bytes
      if (bits === 64) return v.setBigUint64(at, BigInt.asUintN(64, e), LITTLE);
      e = Number(BigInt.asUintN(bits, e));
    }
    if (bits === 8) return v.setUint8(at, e);
    return bits === 16 ? v.setUint16(at, e, LITTLE) : v.setUint32(at, e, LITTLE);
  }

  store(i, item) {
    this.write(i, toElement(this.tc, item));
  }

  load(i) {
    return fromElement(this.tc, this.read(i));
  }

  copy() {
    const m = new Memory(this.tc, this.length, this.isValue);
    new Uint8Array(m.view.buffer).set(new Uint8Array(this.view.buffer));
    return m;
  }
}

// A recursive lock. Only this process ever takes it, so an acquire never has to wait: it
// succeeds at once and counts. Releasing one not held is CPython's RLock assertion.
class Lock {
  constructor() {
    this.depth = 0;
  }
  acquire() {
    this.depth++;
    return true;
  }
  release() {
    if (this.depth === 0) throw assertionError('attempt to release recursive lock not owned by thread');
    this.depth--;
  }
}

class SharedObject {
  constructor(memory, lock) {
    this.memory = memory;
    this.lock = lock; // a Lock, or null: raw
  }

  // The class name CPython's object would have, for messages.
  get className() {
    const m = this.memory;
    const ctype = TYPECODES[m.tc].ctype;
    if (this.lock) {
      if (m.isValue) return 'Synchronized';
      return m.tc === 'c' ? 'SynchronizedString' : 'SynchronizedArray';
    }
    return m.isValue ? ctype : `${ctype}_Array_${m.length}`;
  }

  noAttribute(name) {
    return attributeError(`'${this.className}' object has no attribute '${name}'`);
  }

  // Runs f under the object's own lock, as a synchronized wrapper does for each access.
  locked(f) {
    if (!this.lock) return f();
    this.lock.acquire();
    try {
      return f();
    } finally {
      this.lock.release();
    }
  }

  // --- Arrays ---
  sequence(what) {
    if (this.memory.isValue) {
      const m = {
        len: `object of type '${this.className}' has no len()`,
        get: `'${this.className}' object is not subscriptable`,
        set: `'${this.className}' object does not support item assignment`,
      };
      throw typeError(m[what]);
    }
    return this.memory;
  }

  len() {
    return BigInt(this.sequence('len').length);
  }

  position(index) {
    const n = BigInt(this.memory.length);
    const i = index < 0n ? index + n : index;
    if (i < 0n || i >= n) throw indexError('invalid index');
    return Number(i);
  }

  get(index) {
    const m = this.sequence('get');
    return this.locked(() => m.load(this.position(index)));
  }

  set(index, item) {
    const m = this.sequence('set');
    this.locked(() => m.store(this.position(index), item));
  }

  getSlice(slice) {
    const m = this.sequence('get');
    return this.locked(() => sliceIndices(slice, m.length).map((i) => m.load(i)));
  }

  setSlice(slice, items) {
    const m = this.sequence('set');
    this.locked(() => {
      const at = sliceIndices(slice, m.length);
      if (at.length !== items.length) throw valueError('Can only assign sequence of same size');
      at.forEach((i, k) => m.store(i, items[k])); // a bad item stops there, as in ctypes
    });
  }

  // --- value and raw: a Value's value; a 'c' array's value and raw; a raw 'u' array's value ---
  value() {
    const m = this.memory;
    if (m.isValue) return this.locked(() => m.load(0));
    if (!(m.tc === 'c' || (m.tc === 'u' && !this.lock))) throw this.noAttribute('value');
    return this.locked(() => {
      const units = [];
      for (let i = 0; i < m.length; i++) {
        const e = m.read(i);
        if (e === 0) break; // up to the first NUL
        units.push(m.tc === 'c' ? String.fromCharCode(e) : String.fromCodePoint(e));
      }
      return m.tc === 'c' ? encodeBytes(units.join('')) : encodeStr(units.join(''));
    });
  }

  setValue(item) {
    const m = this.memory;
    if (m.isValue) return this.locked(() => m.store(0, item));
    if (!(m.tc === 'c' || (m.tc === 'u' && !this.lock))) throw this.noAttribute('value');
    const want = m.tc === 'c' ? 'bytes' : 'str';
    if (item.t !== want) throw typeError(`${m.tc === 'c' ? 'bytes' : 'unicode string'} expected instead of ${pyType(item)} instance`);
    const units = m.tc === 'c' ? [...item.v].map((ch) => ch.charCodeAt(0)) : [...item.v].map((ch) => ch.codePointAt(0));
    if (units.length > m.length) throw valueError(m.tc === 'c' ? 'byte string too long' : 'string too long');
    if (m.tc === 'u' && units.some((cp) => cp >= 2 ** (8 * m.size))) throw valueError('character out of range for wchar_t');
    this.locked(() => {
      units.forEach((e, i) => m.write(i, e));
      if (units.length < m.length) m.write(units.length, 0); // a shorter string ends with a NUL
    });
  }

  raw() {
    const m = this.memory;
    if (m.isValue || m.tc !== 'c') throw this.noAttribute('raw');
    return this.locked(() => {
      let s = '';
      for (let i = 0; i < m.length; i++) s += String.fromCharCode(m.read(i));
      return encodeBytes(s);
    });
  }

  setRaw(item) {
    const m = this.memory;
    if (m.isValue || m.tc !== 'c') throw this.noAttribute('raw');
    if (item.t !== 'bytes') throw typeError(`a bytes-like object is required, not '${pyType(item)}'`);
    if (item.v.length > m.length) throw valueError('byte string too long');
    this.locked(() => [...item.v].forEach((ch, i) => m.write(i, ch.charCodeAt(0)))); // no NUL added
  }

  nbytes() {
    return BigInt(this.memory.length * this.memory.size);
  }

  // --- The lock and the wrapper ---
  acquire() {
    if (!this.lock) throw this.noAttribute('acquire');
    return this.lock.acquire();
  }

  release() {
    if (!this.lock) throw this.noAttribute('release');
    this.lock.release();
  }

  getLock() {
    if (!this.lock) throw this.noAttribute('get_lock');
    return this.lock;
  }

  getObj() {
    if (!this.lock) throw this.noAttribute('get_obj');
    return new SharedObject(this.memory, null);
  }

  // sharedctypes.copy(): a new raw object with the same elements. Of a synchronized object
  // CPython asks ctypes.sizeof(Synchronized), which fails.
  copy() {
    if (this.lock) throw typeError('this type has no size');
    return new SharedObject(this.memory.copy(), null);
  }

  // sharedctypes.synchronized(): the same memory under a new lock.
  synchronized() {
    if (this.lock) throw assertionError('object already synchronized');
    return new SharedObject(this.memory, new Lock());
  }
}

// Python's slice.indices(n), walked: the positions a slice [start, stop, step] selects.
// Bounds are BigInts or null.
function sliceIndices([start, stop, step], length) {
  const n = BigInt(length);
  const s = step === null ? 1n : step;
  if (s === 0n) throw valueError('slice step cannot be zero');
  const [lower, upper] = s > 0n ? [0n, n] : [-1n, n - 1n];
  const clamp = (v, dflt) => {
    if (v === null) return dflt;
    const x = v < 0n ? v + n : v;
    return x < lower ? lower : x > upper ? upper : x;
  };
  let i = clamp(start, s > 0n ? lower : upper);
  const end = clamp(stop, s > 0n ? upper : lower);
  const out = [];
  for (; s > 0n ? i < end : i > end; i += s) out.push(Number(i));
  return out;
}

// Makes the Memory of a new object: an array from a size or from its initializer's items.
function newValue(tc, init) {
  checkTypecode(tc);
  const m = new Memory(tc, 1, true);
  if (init !== null) m.store(0, init);
  return m;
}

function newArray(tc, size, init) {
  checkTypecode(tc);
  if (init === null) {
    if (size < 0n) throw valueError(`Array length must be >= 0, not ${size}`);
    if (size * BigInt(TYPECODES[tc].size) > MAX_BYTES) throw overflowError('array too large');
    return new Memory(tc, Number(size), false);
  }
  const m = new Memory(tc, init.length, false);
  init.forEach((item, i) => m.store(i, item));
  return m;
}

function checkTypecode(tc) {
  if (!Object.prototype.hasOwnProperty.call(TYPECODES, tc)) {
    throw typeError(`bad typecode (must be one of ${Object.keys(TYPECODES).join(' ')}): '${tc}'`);
  }
}

module.exports = { Memory, Lock, SharedObject, newValue, newArray, sliceIndices };
