import { namesARealInstant } from '../../src/pinpoint-api/real-instant';
import { toIsoTimestamp } from '../../src/mapping/timestamp';

describe('namesARealInstant', () => {
  it.each([
    ['2026-05-01T10:00:00Z', '2026-05-01T10:00:00.000Z'],
    ['2026-05-01T10:00:00.123Z', '2026-05-01T10:00:00.123Z'],
    ['2026-05-01T10:00:00.123456789Z', '2026-05-01T10:00:00.123Z'],
    ['2026-05-01T12:00:00+02:00', '2026-05-01T10:00:00.000Z'],
    ['2026-05-01T12:00:00+0200', '2026-05-01T10:00:00.000Z'],
    ['2026-05-01T00:30:00-23:59', '2026-05-02T00:29:00.000Z'],
    ['2024-02-29T10:00:00Z', '2024-02-29T10:00:00.000Z'],
  ])('takes %s, which the mapping reads as %s', (timestamp, iso) => {
    expect(namesARealInstant(timestamp)).toBe(true);
    expect(toIsoTimestamp(timestamp)).toBe(iso);
  });

  it.each([
    '2026-02-30T10:00:00Z',
    '2026-02-29T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-05-01T24:00:00Z',
    '2026-05-01T10:60:00Z',
    '2026-05-01T10:00:60Z',
    // Offsets past ±23:59 name no instant: the mapping could not read them (a fuzzer finding).
    '2026-05-01T10:00:00+24:00',
    '2026-05-01T10:00:00-00:60',
    '2026-05-01T10:00:00+2400',
    '2026-05-01T10:00:00+99:99',
    'not a time',
  ])('refuses %s', (timestamp) => {
    expect(namesARealInstant(timestamp)).toBe(false);
    expect(() => toIsoTimestamp(timestamp)).toThrow();
  });
});
