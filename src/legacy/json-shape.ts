import { BadRequestError } from '../errors';
import { MAX_JSON_DEPTH } from './limits';

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
const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** A `\uD800`–`\uDFFF` escape in JSON text. */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

/** Where the string opened by the quote at `open` closes: the next quote not escaped by an odd run of backslashes. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    let backslashes = 0;
    for (let i = end - 1; text.charCodeAt(i) === BACKSLASH; i -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** What one pass over a JSON text found outside its strings. */
export interface JsonScan {
  /** False when objects and arrays nest deeper than the bound (the pass stopped there). */
  withinDepth: boolean;
  /** Whitespace characters between tokens: zero for the compact form `JSON.stringify` writes. */
  padding: number;
}

/**
 * One pass over a JSON text before it is parsed: its nesting depth, bounded by `maxDepth`, and
 * the whitespace between its tokens. A body nested millions of levels deep (10 MB of `[` inflate
 * from a few KB of gzip) is refused in milliseconds, instead of costing a parse 15 times slower
 * than ordinary JSON, or overflowing the stack of recursive code after it (`JSON.stringify`,
 * hashing). Strings are jumped over with `indexOf` (their brackets and spaces do not count), which
 * keeps the pass at a third of the parse's cost. The text need not be valid JSON.
 */
export function scanJson(text: string, maxDepth: number): JsonScan {
  let depth = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = closingQuote(text, i);
      if (end === -1) break;
      i = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      depth += 1;
      if (depth > maxDepth) return { withinDepth: false, padding };
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth -= 1;
    } else if (code === SPACE || code === TAB || code === NEWLINE || code === RETURN) {
      padding += 1;
    }
  }
  return { withinDepth: true, padding };
}

/** True when the JSON text nests objects and arrays no deeper than `maxDepth` (see `scanJson`). */
export function nestsWithin(text: string, maxDepth: number): boolean {
  return scanJson(text, maxDepth).withinDepth;
}

/**
 * True when a JSON text may hold a lone surrogate: parsed strings can only get one from a `\uD800`
 * to `\uDFFF` escape (decoding UTF-8 replaces invalid bytes with U+FFFD instead), so text without
 * such an escape needs no walk of its parsed value. Escaped surrogate pairs match too, and pass the walk.
 */
export function mayHoldLoneSurrogate(text: string): boolean {
  return ESCAPED_SURROGATE.test(text);
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

/** An inbound JSON document: the text, its parsed value, and the whitespace between its tokens. */
export interface ParsedJson {
  text: string;
  value: unknown;
  padding: number;
}

/**
 * Parses an inbound JSON document with the checks every legacy document gets: nesting bounded
 * before parsing (`MAX_JSON_DEPTH`), and strings well-formed after it (the walk only runs when
 * the text holds a surrogate escape). `what` names the document in the 400's message.
 */
export function parseBoundedJson(text: string, what: string, notJsonMessage: string): ParsedJson {
  const { withinDepth, padding } = scanJson(text, MAX_JSON_DEPTH);
  if (!withinDepth) {
    throw new BadRequestError(`${what} is invalid: it nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err: unknown) {
    throw new BadRequestError(notJsonMessage, { cause: err });
  }
  const illFormed = mayHoldLoneSurrogate(text) ? findIllFormedString(value) : undefined;
  if (illFormed !== undefined) {
    throw new BadRequestError(`${what} is invalid: ${illFormed} is not well-formed Unicode (it holds a lone surrogate).`);
  }
  return { text, value, padding };
}
