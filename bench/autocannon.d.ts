/** The part of autocannon 8's programmatic API the bench uses (the package ships no types). */
declare module 'autocannon' {
  function autocannon(options: autocannon.Options): Promise<autocannon.AutocannonResult>;
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Rebuilds the request before each send (autocannon recomputes Content-Length). */
      setupRequest?: (request: Request) => Request;
      /** Called with each answer to this request: status and body (the context and headers are not used). */
      onResponse?: (status: number, body: string) => void;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      overallRate?: number;
      timeout?: number;
      requests?: Request[];
    }
    interface AutocannonResult {
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      latency: { average: number; p50: number; p99: number; max: number };
      requests: { total: number; average: number };
    }
  }
  export = autocannon;
}
