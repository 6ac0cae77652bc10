import { findIllFormedString, nestsWithin } from '../../src/legacy/json-shape';
import { parseLegacyTimestamp, toIsoTimestamp } from '../../src/mapping/timestamp';

describe('nestsWithin', () => {
  it.each([
    ['a flat object', '{"a":1}', 1, true],
    ['depth 2 at the bound', '{"a":[1]}', 2, true],
    ['depth 3 over the bound', '{"a":[{}]}', 2, false],
    ['brackets inside strings do not count', '{"a":"[[[[{{{{"}', 1, true],
    ['an escaped quote does not end a string', '{"a":"\\"[[[["}', 1, true],
    ['an escaped backslash before the closing quote', '{"a":"\\\\","b":[[1]]}', 2, false],
    ['20 000 levels', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, 8, false],
    ['not JSON at all is left to the parser', '{{{', 8, true],
  ])('%s', (_name, text, depth, expected) => {
    expect(nestsWithin(text, depth)).toBe(expected);
  });
});

describe('findIllFormedString', () => {
  it.each([
    ['well-formed strings and a surrogate pair', { a: ['x', 'é', '😀'], b: { c: 'ok' } }, undefined],
    ['a lone high surrogate in a value', { a: { b: 'dev\ud800' } }, '/a/b'],
    ['a lone low surrogate in an array', { a: ['ok', '\udc00'] }, '/a/1'],
    ['a lone surrogate in a key', { a: { '\udbff': 'x' } }, '/a/\udbff'],
    ['a top-level string', '\ud800', '/'],
    ['numbers, booleans and null', { a: 1, b: true, c: null }, undefined],
    ['pointer escaping of / and ~', { 'a/b': { 'c~d': '\ud800' } }, '/a~1b/c~0d'],
  ])('%s', (_name, value, pointer) => {
    expect(findIllFormedString(value)).toBe(pointer);
  });
});

describe('legacy timestamps', () => {
  it.each([
    ['2026-11-22T10:00:00.000Z', Date.UTC(2026, 10, 22, 10)],
    ['2024-02-29T10:00:00Z', Date.UTC(2024, 1, 29, 10)],
    ['2026-11-22T10:00Z', Date.UTC(2026, 10, 22, 10)],
    ['2026-11-22T11:00:00+0100', Date.UTC(2026, 10, 22, 10)],
    ['2026-11-22T11:00:00+01:00', Date.UTC(2026, 10, 22, 10)],
    ['2026-02-30T10:00:00Z', Number.NaN],
    ['2026-04-31T10:00:00Z', Number.NaN],
    ['2025-02-29T10:00:00Z', Number.NaN],
    ['2026-13-01T10:00:00Z', Number.NaN],
    ['2026-00-10T10:00:00Z', Number.NaN],
    ['2026-11-00T10:00:00Z', Number.NaN],
    ['2026-11-22T24:00:00Z', Number.NaN],
    ['2026-11-22T10:60:00Z', Number.NaN],
    ['2026-11-22T10:00:60Z', Number.NaN],
  ])('%s', (text, expected) => {
    expect(parseLegacyTimestamp(text)).toBe(expected);
    if (!Number.isNaN(expected)) expect(toIsoTimestamp(text)).toBe(new Date(expected).toISOString());
  });
});
