import { JsonObjectSplitter, type SplitPiece } from '../../src/import/json-object-splitter';

/** Splits `input` fed in chunks of `chunkSize` bytes. */
function split(input: string | Buffer, chunkSize = Infinity, maxObjectBytes = 1024): SplitPiece[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const splitter = new JsonObjectSplitter(maxObjectBytes);
  const pieces: SplitPiece[] = [];
  const step = Math.min(chunkSize, Math.max(bytes.length, 1));
  for (let at = 0; at < bytes.length; at += step) pieces.push(...splitter.push(bytes.subarray(at, at + step)));
  pieces.push(...splitter.end());
  return pieces;
}

const objects = (pieces: SplitPiece[]): string[] => pieces.flatMap((p) => (p.kind === 'object' ? [p.text] : []));

describe('JsonObjectSplitter', () => {
  const tricky = '{"a":"}{ \\" \\\\","b":[{"c":1},{"d":"ü€😀"}]}';

  it('splits JSON Lines, concatenated objects and both mixed, whatever the chunk boundaries', () => {
    const input = `{"n":1}\n{"n":2}{"n":3}\r\n\n  ${tricky}{"n":4}\n`;
    for (const chunkSize of [1, 2, 3, 5, 7, 64, Infinity]) {
      const pieces = split(input, chunkSize);
      expect({ chunkSize, texts: objects(pieces) }).toEqual({ chunkSize, texts: ['{"n":1}', '{"n":2}', '{"n":3}', tricky, '{"n":4}'] });
      expect(pieces.every((p) => p.kind === 'object')).toBe(true);
    }
    expect(JSON.parse(tricky)).toEqual({ a: '}{ " \\', b: [{ c: 1 }, { d: 'ü€😀' }] });
  });

  it('tells the line each piece starts on', () => {
    expect(split('{"n":1}\n\n{"n":2}{"n":3}\n{"n":4}').map((p) => p.line)).toEqual([1, 3, 3, 4]);
  });

  it('reports stray text and a line broken off as junk, and goes on with the next records', () => {
    const pieces = split('not json\n{"n":1,"cut":"off\n{"n":2}\nxx{"n":3}\n{"open":{"n":4}\n{"n":5}\n{"tail":');
    expect(pieces.map((p) => [p.kind, p.line])).toEqual([
      ['junk', 1],
      ['junk', 2],
      ['object', 3],
      ['junk', 4],
      ['object', 4],
      ['junk', 5],
      ['object', 6],
      ['junk', 7],
    ]);
    expect(objects(pieces)).toEqual(['{"n":2}', '{"n":3}', '{"n":5}']);
  });

  it('skips a UTF-8 byte order mark at the start only, whatever the chunk boundaries', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const chunkSize of [1, 2, Infinity]) {
      expect(split(Buffer.concat([bom, Buffer.from('{"n":1}')]), chunkSize)).toEqual([{ kind: 'object', line: 1, text: '{"n":1}' }]);
    }
    expect(split(Buffer.concat([Buffer.from('{"n":1}\n'), bom, Buffer.from('{"n":2}')])).map((p) => p.kind)).toEqual(['object', 'junk', 'object']);
  });

  it('reports an object over the limit without keeping it, and reads the records around it', () => {
    const big = `{"pad":"${'x'.repeat(5000)}"}`;
    for (const chunkSize of [7, 100, Infinity]) {
      const pieces = split(`{"n":1}\n${big}{"n":2}\n`, chunkSize, 1000);
      expect(pieces.map((p) => p.kind)).toEqual(['object', 'too-large', 'object']);
      expect(objects(pieces)).toEqual(['{"n":1}', '{"n":2}']);
    }
    expect(split(`{"pad":"${'x'.repeat(990)}"}`, 10, 1000).map((p) => p.kind)).toEqual(['object']);
  });
});
