/** One top-level piece of an input, with the line it starts on (1-based). */
export type SplitPiece =
  /** The text of one JSON object, from its `{` to its matching `}` (not parsed yet). */
  | { readonly kind: 'object'; readonly line: number; readonly text: string }
  /** Text that is not a JSON object: stray text, or an object that a newline or the end cut off. */
  | { readonly kind: 'junk'; readonly line: number }
  /** An object longer than the limit; its text was not kept. */
  | { readonly kind: 'too-large'; readonly line: number };

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const CARRIAGE_RETURN = 0x0d;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Splits a byte stream into top-level JSON objects, as Firehose and Kinesis consumers write
 * event-stream records: one per line (JSON Lines), or concatenated without a separator (`}{`, as
 * Firehose writes S3 objects), or both. It only follows strings and nesting, so the cost is one
 * look at each byte; the caller parses each object's text. Memory is bounded: an object longer
 * than `maxObjectBytes` is reported as `too-large` without keeping its text.
 *
 * A newline outside an object separates records; a newline inside an unfinished object ends it
 * as junk, so one broken line never swallows the records after it (pretty-printed JSON, spread
 * over lines, is therefore not read: neither Pinpoint nor ma2pinpoint writes it). Byte-level
 * scanning is safe for UTF-8: the bytes it looks at (`{}[]"\` and newline) never occur inside a
 * multi-byte character.
 */
export class JsonObjectSplitter {
  private mode: 'between' | 'object' | 'junk' = 'between';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Bytes of the current piece from earlier chunks (none once it is too large). */
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private tooLarge = false;
  private line = 1;
  private pieceLine = 1;
  /** Bytes taken before the current chunk: a byte order mark counts only at the very start. */
  private offset = 0;

  constructor(private readonly maxObjectBytes: number) {}

  /** Takes the next chunk; returns the pieces it completed. */
  push(chunk: Buffer): SplitPiece[] {
    const done: SplitPiece[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.mode === 'between') {
        if (byte === NEWLINE) this.line++;
        else if (this.offset + i < UTF8_BOM.length && byte === UTF8_BOM[this.offset + i]) continue;
        else if (byte === OPEN_BRACE) {
          start = i;
          this.begin('object');
        } else if (byte !== SPACE && byte !== TAB && byte !== CARRIAGE_RETURN) {
          start = i;
          this.begin('junk');
        }
      } else if (this.mode === 'junk') {
        if (byte === NEWLINE || byte === OPEN_BRACE) {
          done.push({ kind: 'junk', line: this.pieceLine });
          this.reset();
          if (byte === NEWLINE) this.line++;
          else {
            start = i;
            this.begin('object');
          }
        }
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        else if (byte === NEWLINE) this.cutOff(done);
      } else if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (--this.depth === 0) {
          done.push(this.finishObject(chunk.subarray(start, i + 1)));
          this.reset();
        }
      } else if (byte === NEWLINE) this.cutOff(done);
    }
    if (this.mode !== 'between') this.keep(chunk.subarray(start));
    this.offset += chunk.length;
    return done;
  }

  /** The input ended: an unfinished object or stray text is junk. */
  end(): SplitPiece[] {
    const done: SplitPiece[] = this.mode === 'between' ? [] : [{ kind: 'junk', line: this.pieceLine }];
    this.reset();
    return done;
  }

  private begin(mode: 'object' | 'junk'): void {
    this.mode = mode;
    this.depth = mode === 'object' ? 1 : 0;
    this.pieceLine = this.line;
  }

  /** A newline inside an unfinished object: the object is junk, and the newline separates. */
  private cutOff(done: SplitPiece[]): void {
    done.push({ kind: 'junk', line: this.pieceLine });
    this.reset();
    this.line++;
  }

  private keep(rest: Buffer): void {
    if (this.tooLarge || this.mode === 'junk') return;
    this.pieceBytes += rest.length;
    if (this.pieceBytes > this.maxObjectBytes) {
      this.tooLarge = true;
      this.pieces = [];
    } else this.pieces.push(rest);
  }

  private finishObject(last: Buffer): SplitPiece {
    if (this.tooLarge || this.pieceBytes + last.length > this.maxObjectBytes) return { kind: 'too-large', line: this.pieceLine };
    const text = this.pieces.length === 0 ? last.toString('utf8') : Buffer.concat([...this.pieces, last]).toString('utf8');
    return { kind: 'object', line: this.pieceLine, text };
  }

  private reset(): void {
    this.mode = 'between';
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.pieces = [];
    this.pieceBytes = 0;
    this.tooLarge = false;
  }
}
