import { classifyRecordError, splitIntoBatches } from '../../src/sinks/record-batch-sink';

const limits = { maxRecords: 3, maxBatchBytes: 100, maxRecordBytes: 60 };
const sizes = (batches: Array<Array<{ bytes: number }>>): number[][] => batches.map((b) => b.map((i) => i.bytes));

describe('splitIntoBatches', () => {
  it.each([
    ['nothing', [], []],
    ['fits in one', [10, 20, 30], [[10, 20, 30]]],
    ['count limit', [1, 1, 1, 1, 1, 1, 1], [[1, 1, 1], [1, 1, 1], [1]]],
    ['byte limit reached exactly', [50, 50, 1], [[50, 50], [1]]],
    ['byte limit exceeded', [60, 41, 59], [[60], [41, 59]]],
  ])('%s', (_name, input, expected) => {
    expect(sizes(splitIntoBatches(input.map((bytes) => ({ bytes })), limits))).toEqual(expected);
  });
});

describe('classifyRecordError', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 'throttled'],
    ['InternalFailure', 'transient'],
    ['ServiceUnavailableException', 'transient'],
    ['KMSAccessDeniedException', 'forbidden'],
    ['SomethingNew', 'transient'],
  ])('%s → %s', (code, kind) => {
    const error = classifyRecordError(code, undefined);
    expect([error.kind, error.code, error.message]).toEqual([kind, code, code]);
  });
});
