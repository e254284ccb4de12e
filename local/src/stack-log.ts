/**
 * `.mrprompt/logs/stack.log`: every line the stack logs, with its time. The console shows them
 * only once start-up is over (start-up prints one progress line per step), or all of them if
 * start-up fails.
 *
 * The file is appended to, one "start" line per run, so the log of a run that crashed is still
 * there after the next start; past `maxBytes` it moves to `stack.previous.log`. Lines are
 * written synchronously: the CLI ends with process.exit, which drops a stream's pending writes
 * — the lines that said why a start failed were the ones lost.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface StackLog {
  /** Writes the line to the file, and to the console once ready() (held until then). */
  log(line: string): void;
  ready(): void;
  /** Writes the line to the file only (what the console already says another way). */
  record(line: string): void;
  /** Prints the lines held back during start-up (a failed start), saying where the file is. */
  dump(): void;
  close(): void;
}

export interface StackLogOptions {
  /** Where the console's lines go (default console.log). */
  print?: (text: string) => void;
  /** Size past which the file becomes `<name>.previous.log` at the next start (default 10 MiB). */
  maxBytes?: number;
  /** How the file is named in dump()'s message (default its path). */
  shownAs?: string;
}

export function openStackLog(file: string, options: StackLogOptions = {}): StackLog {
  const print = options.print ?? ((text: string) => console.log(text));
  mkdirSync(path.dirname(file), { recursive: true });
  if (existsSync(file) && statSync(file).size > (options.maxBytes ?? 10 * 1024 * 1024)) {
    renameSync(file, file.replace(/(\.log)?$/, '.previous.log'));
  }
  let fd: number | undefined = openSync(file, 'a');
  const write = (line: string) => {
    if (fd !== undefined) writeSync(fd, `${new Date().toISOString()} ${line}\n`);
  };
  write(`start: pid ${process.pid}, ${process.argv.slice(2).join(' ')}`.trimEnd());
  const held: string[] = [];
  let live = false;
  return {
    log(line) {
      write(line);
      if (live) print(line);
      else held.push(line);
    },
    ready: () => void (live = true),
    record: write,
    dump() {
      if (held.length) print(`\n${held.join('\n')}\n(also in ${options.shownAs ?? file})`);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
