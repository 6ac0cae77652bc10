/**
 * Structural checks on inbound JSON that a schema cannot express cheaply: nesting depth before
 * the text is parsed, and well-formed Unicode in what was parsed.
 */

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * True when the JSON text nests objects and arrays no deeper than `maxDepth`. One pass over the
 * text, before it is parsed: a request nested thousands of levels deep is refused before it can
 * cost a parse, or overflow the stack of any recursive code (`JSON.stringify`, hashing) after it.
 * Brackets inside strings do not count. The text need not be valid JSON; the parser judges that.
 */
export function nestsWithin(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      depth += 1;
      if (depth > maxDepth) return false;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
  return true;
}

/**
 * The JSON pointer of the first string (key or value) that is not well-formed Unicode, i.e. holds
 * a lone surrogate (`"\ud800"` in JSON text), or undefined when there is none. Such strings cannot
 * be hashed or written as UTF-8 without being changed (two different client ids would become one
 * endpoint), so they are refused rather than repaired. `value` is already depth-bounded.
 */
export function findIllFormedString(value: unknown, pointer = ''): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : pointer || '/';
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findIllFormedString(value[index], `${pointer}/${index}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!key.isWellFormed()) return at;
      const found = findIllFormedString(inner, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
