// deno-std publishes plain JS on npm; these are the parts local/ uses.
declare module 'deno-std/toml/parse.js' {
  /** Parses TOML into plain objects, arrays, strings, numbers, booleans and dates. */
  export function parse(text: string): Record<string, unknown>;
}
