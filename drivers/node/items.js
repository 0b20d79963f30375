'use strict';
// Typecodes, items (PROTOCOL.md section 3) and ctypes' conversion rules: what a store of an
// item into an element leaves there, or which error it raises, as CPython 3.11 does it.

// An error of the implementation: an observation, reported with its kind (section 2.1).
// `type` is this implementation's name for it; they follow Python's exception names because
// the semantics (and the messages) copy CPython's.
class ShmError extends Error {
  constructor(kind, type, message) {
    super(message);
    this.kind = kind;
    this.type = type;
  }
}
const typeError = (m) => new ShmError('type_error', 'TypeError', m);
const valueError = (m) => new ShmError('value_error', 'ValueError', m);
const indexError = (m) => new ShmError('index_error', 'IndexError', m);
const overflowError = (m) => new ShmError('overflow_error', 'OverflowError', m);
const attributeError = (m) => new ShmError('attribute_error', 'AttributeError', m);
const assertionError = (m) => new ShmError('assertion_error', 'AssertionError', m);

// A request the driver cannot read: kind other, type ProtocolError (section 2).
class ProtocolError extends Error {}

// C sizes as on the platform this runs on: LP64 (8-byte long) except Windows and 32-bit
// CPUs; 4-byte wchar_t except Windows. Alignment equals size for every one of these here.
const LONG = process.platform === 'win32' || ['ia32', 'arm', 'mips', 'ppc'].includes(process.arch) ? 4 : 8;
const WCHAR = process.platform === 'win32' ? 2 : 4;

// kind: how an element is stored and converted. ctype: ctypes' class name, for messages.
const TYPECODES = {
  c: { size: 1, kind: 'char', ctype: 'c_char' },
  u: { size: WCHAR, kind: 'wchar', ctype: 'c_wchar' },
  b: { size: 1, kind: 'int', signed: true, ctype: 'c_byte' },
  B: { size: 1, kind: 'int', signed: false, ctype: 'c_ubyte' },
  h: { size: 2, kind: 'int', signed: true, ctype: 'c_short' },
  H: { size: 2, kind: 'int', signed: false, ctype: 'c_ushort' },
  i: { size: 4, kind: 'int', signed: true, ctype: 'c_int' },
  I: { size: 4, kind: 'int', signed: false, ctype: 'c_uint' },
  l: { size: LONG, kind: 'int', signed: true, ctype: 'c_long' },
  L: { size: LONG, kind: 'int', signed: false, ctype: 'c_ulong' },
  q: { size: 8, kind: 'int', signed: true, ctype: LONG === 8 ? 'c_long' : 'c_longlong' }, // ctypes: the same class
  Q: { size: 8, kind: 'int', signed: false, ctype: LONG === 8 ? 'c_ulong' : 'c_ulonglong' },
  f: { size: 4, kind: 'float', ctype: 'c_float' },
  d: { size: 8, kind: 'float', ctype: 'c_double' },
};

// --- Items from the wire -----------------------------------------------------------------
// A decoded item is {t, v}: t 'int' (v a BigInt; bool set for true/false), 'float' (v a
// number), 'bytes' (v a string of chars U+0000-U+00FF), 'str' (v a string), or 'none'.
// json.js gives ints as BigInts and floats as numbers, so the difference survives.

const FLOATS = { inf: Infinity, '-inf': -Infinity, nan: NaN };

function decodeItem(j) {
  if (j === null) return { t: 'none' };
  if (typeof j === 'boolean') return { t: 'int', v: j ? 1n : 0n, bool: true };
  if (typeof j === 'bigint') return { t: 'int', v: j };
  if (typeof j === 'number') return { t: 'float', v: j };
  if (typeof j === 'object' && !Array.isArray(j)) {
    const keys = Object.keys(j);
    const x = j[keys[0]];
    if (keys.length === 1 && typeof x === 'string') {
      if (keys[0] === 'int' && /^-?[0-9]+$/.test(x)) return { t: 'int', v: BigInt(x) };
      if (keys[0] === 'float' && x in FLOATS) return { t: 'float', v: FLOATS[x] };
      if (keys[0] === 'bytes' && /^[\u0000-\u00ff]*$/.test(x)) return { t: 'bytes', v: x };
      if (keys[0] === 'str') return { t: 'str', v: x };
    }
  }
  throw new ProtocolError(`not an item: ${JSON.stringify(j, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

// Python's name for an item's type, for messages as CPython words them.
function pyType(item) {
  if (item.t === 'int') return item.bool ? 'bool' : 'int';
  return item.t === 'none' ? 'NoneType' : item.t;
}

// --- Items to the wire -------------------------------------------------------------------
const SAFE = 2n ** 53n;

function encodeInt(v) {
  return v >= -SAFE && v <= SAFE ? v : { int: v.toString() };
}
function encodeFloat(x) {
  if (Number.isNaN(x)) return { float: 'nan' };
  if (x === Infinity) return { float: 'inf' };
  if (x === -Infinity) return { float: '-inf' };
  return x; // json.js writes it with a fraction or an exponent
}
const encodeBytes = (s) => ({ bytes: s });
const encodeStr = (s) => ({ str: s });

// --- Conversions: ctypes' setfunc of each kind ---------------------------------------------

// The element an item stores as: a BigInt (int), a number (float: 'f' already rounded to
// float32), a byte 0-255 ('c') or a code point ('u'). Throws the error CPython raises.
function toElement(tc, item) {
  const t = TYPECODES[tc];
  switch (t.kind) {
    case 'int':
      // ctypes masks: the int is reduced modulo 2^bits, whatever its size (section 3).
      if (item.t !== 'int') throw typeError(`'${pyType(item)}' object cannot be interpreted as an integer`);
      return t.signed ? BigInt.asIntN(8 * t.size, item.v) : BigInt.asUintN(8 * t.size, item.v);
    case 'float': {
      let x;
      if (item.t === 'float') x = item.v;
      else if (item.t === 'int') {
        x = Number(item.v); // rounds to nearest, as Python's int -> float
        if (!Number.isFinite(x)) throw overflowError('int too large to convert to float');
      } else throw typeError(`must be real number, not ${pyType(item)}`);
      return tc === 'f' ? Math.fround(x) : x;
    }
    case 'char':
      if (item.t === 'bytes' && item.v.length === 1) return item.v.charCodeAt(0);
      if (item.t === 'int' && item.v >= 0n && item.v < 256n) return Number(item.v);
      throw typeError('one character bytes, bytearray or integer expected');
    case 'wchar': {
      if (item.t !== 'str') throw typeError(`unicode string expected instead of ${pyType(item)} instance`);
      const cps = [...item.v]; // code points, not UTF-16 units
      const cp = cps.length === 1 ? cps[0].codePointAt(0) : -1;
      if (cp < 0 || cp >= 2 ** (8 * t.size)) throw typeError('one character unicode string expected');
      return cp;
    }
  }
  throw new Error(`no conversion for typecode ${tc}`);
}

// The item an element reads as.
function fromElement(tc, e) {
  switch (TYPECODES[tc].kind) {
    case 'int':
      return encodeInt(e);
    case 'float':
      return encodeFloat(e);
    case 'char':
      return encodeBytes(String.fromCharCode(e));
    default:
      return encodeStr(String.fromCodePoint(e));
  }
}

module.exports = {
  ShmError, ProtocolError, TYPECODES,
  typeError, valueError, indexError, overflowError, attributeError, assertionError,
  decodeItem, pyType, encodeInt, encodeFloat, encodeBytes, encodeStr, toElement, fromElement,
};
