import type Database from 'better-sqlite3';

/** Rows per multi-row INSERT: one statement call per 50 rows instead of 50. */
const ROWS_PER_STATEMENT = 50;

/**
 * Runs one INSERT for many rows, 50 rows per statement call (the rest one by one), and returns
 * what each call returned (`RETURNING` rows; `pluck`ed when the statement returns one column).
 * `insert` is the statement up to `VALUES`; `columns` the values per row; `tail` what follows the
 * values (a `RETURNING` clause). Statement calls, not rows, are what an insert of small rows costs.
 */
export function createMultiRowInsert(
  db: Database.Database,
  options: { insert: string; columns: number; tail?: string },
): (rows: ReadonlyArray<ReadonlyArray<unknown>>) => unknown[] {
  const row = `(${Array.from({ length: options.columns }, () => '?').join(', ')})`;
  const statement = (rows: number): Database.Statement => {
    const prepared = db.prepare(`${options.insert} VALUES ${Array.from({ length: rows }, () => row).join(', ')} ${options.tail ?? ''}`);
    return prepared.reader ? prepared.pluck() : prepared;
  };
  const many = statement(ROWS_PER_STATEMENT);
  const one = statement(1);
  const run = (prepared: Database.Statement, values: unknown[]): unknown[] => (prepared.reader ? prepared.all(values) : (prepared.run(values), []));
  return (rows) => {
    const results: unknown[] = [];
    let start = 0;
    for (; start + ROWS_PER_STATEMENT <= rows.length; start += ROWS_PER_STATEMENT) results.push(...run(many, rows.slice(start, start + ROWS_PER_STATEMENT).flat()));
    for (; start < rows.length; start += 1) results.push(...run(one, [...(rows[start] as ReadonlyArray<unknown>)]));
    return results;
  };
}
