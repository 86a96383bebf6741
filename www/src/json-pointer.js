// Where a JSON Pointer (RFC 6901) points in JSON text: a small scanner that follows the
// pointer's tokens through the text and returns the offset of the value it names (or of
// the deepest value it could reach), so diagnostics without a line and column still get
// a place in the editor.

/** The pointer's reference tokens, unescaped. */
export function pointerTokens(pointer) {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function skipSpace(text, i) {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** End offset (exclusive) of the string starting at i (a quote). */
function stringEnd(text, i) {
  i++;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  return i;
}

/** End offset of the value starting at i (best effort on broken text). */
export function valueEnd(text, i) {
  i = skipSpace(text, i);
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i = stringEnd(text, i);
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < text.length && !/[\s,}\]]/.test(text[i])) i++;
  return i;
}

/**
 * Offset of the value the pointer names in `text`; for a missing last member, the
 * offset of its parent. Returns `{ from, to, keyFrom }` or null when the text is not
 * JSON enough to follow.
 */
export function locatePointer(text, pointer) {
  const tokens = pointerTokens(pointer);
  let i = skipSpace(text, 0);
  let keyFrom = null;
  for (const token of tokens) {
    const c = text[i];
    if (c === '{') {
      i = skipSpace(text, i + 1);
      let found = false;
      while (i < text.length && text[i] !== '}') {
        if (text[i] !== '"') return null;
        const kEnd = stringEnd(text, i);
        let key;
        try {
          key = JSON.parse(text.slice(i, kEnd));
        } catch {
          return null;
        }
        const kStart = i;
        i = skipSpace(text, kEnd);
        if (text[i] !== ':') return null;
        i = skipSpace(text, i + 1);
        if (key === token) {
          keyFrom = kStart;
          found = true;
          break;
        }
        i = skipSpace(text, valueEnd(text, i));
        if (text[i] === ',') i = skipSpace(text, i + 1);
      }
      if (!found) return { from: i, to: i + 1, keyFrom };
    } else if (c === '[') {
      const index = Number(token);
      if (!Number.isInteger(index)) return null;
      i = skipSpace(text, i + 1);
      for (let k = 0; k < index; k++) {
        if (text[i] === ']') return { from: i, to: i + 1, keyFrom };
        i = skipSpace(text, valueEnd(text, i));
        if (text[i] === ',') i = skipSpace(text, i + 1);
      }
      keyFrom = null;
    } else {
      return null;
    }
  }
  return { from: i, to: valueEnd(text, i), keyFrom };
}
