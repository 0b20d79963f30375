'use strict';
// JSON that keeps what the protocol's numbers mean (PROTOCOL.md section 3).
//
// JSON.parse cannot tell 1 from 1.0 and rounds ints past 2^53, and a reviver does not see the
// source text in Node 20. So this module reads and writes JSON itself, with one rule both ways:
//
//   a JSON int   (no fraction, no exponent)  <->  a JavaScript BigInt   (typeof 'bigint')
//   a JSON float (fraction or exponent)      <->  a JavaScript number   (typeof 'number')
//
// Everything else maps as JSON.parse/JSON.stringify map it. Objects are made without a
// prototype, so that a key such as "__proto__" is just a key.

class JsonError extends SyntaxError {}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const PLAIN = /[^"\\\u0000-\u001f]*/y;
const ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function parse(text) {
  let pos = 0;
  const fail = (what) => {
    throw new JsonError(`${what} at offset ${pos}`);
  };
  const space = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      pos++;
    }
  };
  const literal = (word, value) => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return value;
    }
    return fail('unexpected character');
  };
  const string = () => {
    pos++; // the opening quote
    let out = '';
    for (;;) {
      PLAIN.lastIndex = pos;
      const run = PLAIN.exec(text)[0];
      out += run;
      pos += run.length;
      if (pos >= text.length) fail('unterminated string');
      const c = text[pos++];
      if (c === '"') return out;
      if (c !== '\\') fail('control character in a string');
      const e = text[pos++];
      if (e === 'u') {
        const hex = text.slice(pos, pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16)); // surrogate pairs join by themselves
        pos += 4;
      } else if (e in ESCAPES) {
        out += ESCAPES[e];
      } else {
        fail('bad escape');
      }
    }
  };
  const number = () => {
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) fail('unexpected character');
    pos += m[0].length;
    return m[1] === undefined && m[2] === undefined ? BigInt(m[0]) : Number(m[0]);
  };
  const value = (depth) => {
    if (depth > 512) fail('nested too deeply');
    space();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj = Object.create(null);
      space();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        space();
        if (text[pos] !== '"') fail('expected a key');
        const key = string();
        space();
        if (text[pos++] !== ':') fail('expected ":"');
        obj[key] = value(depth + 1);
        space();
        const sep = text[pos++];
        if (sep === '}') return obj;
        if (sep !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const arr = [];
      space();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        space();
        const sep = text[pos++];
        if (sep === ']') return arr;
        if (sep !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    return number();
  };
  const result = value(0);
  space();
  if (pos !== text.length) fail('text after the value');
  return result;
}

// A float as JSON always shows that it is one: 2 -> "2.0", -0 -> "-0.0", 1e21 -> "1e+21".
function floatText(x) {
  if (!Number.isFinite(x)) throw new TypeError(`${x} has no JSON form (write it as an item)`);
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  return /[.eE]/.test(s) ? s : s + '.0';
}

function stringify(v) {
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return floatText(v);
    case 'string':
      return JSON.stringify(v); // escapes lone surrogates (well-formed JSON.stringify)
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      if (v === null) return 'null';
      if (Array.isArray(v)) return '[' + v.map(stringify).join(',') + ']';
      return '{' + Object.keys(v).map((k) => JSON.stringify(k) + ':' + stringify(v[k])).join(',') + '}';
  }
}

module.exports = { parse, stringify, JsonError };
