/**
 * The part of autocannon's programmatic API (v9) that http.ts uses; the package ships no type
 * declarations and @types/autocannon is not installed.
 */
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Requests in total; when set, ends the run before `duration` runs out. */
    amount?: number;
    method?: string;
    headers?: Record<string, string>;
    /** Seconds without a response before a request counts as a timeout. */
    timeout?: number;
  }

  /** Percentiles of an HDR histogram, keyed p50, p90, p97_5, p99 and so on. */
  interface Histogram {
    average: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    [percentile: string]: number;
  }

  interface Result {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    /** Milliseconds per request. */
    latency: Histogram;
    /** Requests per second, sampled each second; `total` is the count of completed requests. */
    requests: Histogram;
    /** Responses by HTTP status code. */
    statusCodeStats?: Record<string, { count: number }>;
  }

  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
