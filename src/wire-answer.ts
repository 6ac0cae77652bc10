/** An answer on the wire, independent of the HTTP framework, whichever API it answers: status, headers, body text. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}
