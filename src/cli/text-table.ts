/** How a column's cells line up: text to the left, numbers to the right. */
export type ColumnAlign = 'left' | 'right';

/**
 * Rows as aligned columns for a terminal: each column as wide as its widest cell, two spaces
 * between columns, no trailing spaces. The first row is usually the header; columns not named
 * in `align` are left-aligned.
 */
export function formatTable(rows: readonly (readonly string[])[], align: readonly ColumnAlign[] = []): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
