/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180), quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows as RFC 4180 CSV records, one string per record without its line break (the caller ends
 * each with CRLF). The first row is the header.
 */
export function csvRecords(rows: readonly (readonly string[])[]): string[] {
  return rows.map((row) => row.map(csvField).join(','));
}
