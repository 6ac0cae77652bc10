/** What the access checks read of a request before its body: framework-free (Node's `IncomingMessage` fits). */
export interface RequestHead {
  readonly method: string;
  /** The path and query as received. */
  readonly url: string;
  /** Lower-case names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** A header's value; repeated values joined with commas, as SigV4 canonicalizes them. */
export function headerValue(head: RequestHead, name: string): string | undefined {
  const value = head.headers[name];
  return typeof value === 'string' || value === undefined ? value : value.join(',');
}
