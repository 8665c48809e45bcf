// @ts-check
// `wrangler` as launch runs it: the one on PATH (npm run puts node_modules/.bin there; tests
// put a recording stand-in first), quiet, without a terminal, every call shown.
import { spawn } from 'node:child_process';
import path from 'node:path';

export class WranglerError extends Error {
  /**
   * @param {string} command
   * @param {number | null} code
   * @param {string} output
   */
  constructor(command, code, output) {
    super(`${command} failed (exit ${code}): ${firstError(output)}`);
    this.command = command;
    this.output = output;
  }
}

/** Wrangler's own words for a failure: its `✘ [ERROR]` line and what follows, else the last lines. */
export function firstError(output) {
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const marker = text.search(/✘ \[ERROR\]|\[ERROR\]|Error:/);
  const from = marker >= 0 ? text.slice(marker) : text.split('\n').slice(-6).join('\n');
  return from.trim().split('\n').slice(0, 4).join(' ').replace(/\s+/g, ' ').slice(0, 600) || 'no output';
}

/**
 * @param {{ root: string, echo: (line: string) => void }} options
 */
export function wranglerRunner({ root, echo }) {
  const bin = path.join(root, 'node_modules', '.bin');
  const env = {
    ...process.env,
    // The seller's PATH first: a wrangler there (a newer one, or a test's stand-in) wins over ours.
    PATH: `${process.env.PATH ?? ''}${path.delimiter}${bin}`,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  /**
   * @param {string[]} args
   * @param {{ input?: string, quiet?: boolean }} [options] `input` goes to stdin (a secret's value: never echoed)
   * @returns {Promise<{ code: number | null, stdout: string, bytes: Buffer, stderr: string }>}
   */
  async function call(args, { input, quiet = false } = {}) {
    const shown = `wrangler ${args.join(' ')}`;
    if (!quiet) echo(`$ ${shown}`);
    const child = spawn('wrangler', args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const out = [];
    let stderr = '';
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.on('error', () => {}); // a command that reads no stdin may close it first
    child.stdin.end(input ?? '');
    const code = await new Promise((resolve, reject) => {
      child.on('error', (error) => reject(new WranglerError(shown, null, `${error.message}: is wrangler installed (npm ci)?`)));
      child.on('close', (status) => resolve(status));
    });
    const bytes = Buffer.concat(out);
    return { code, stdout: bytes.toString('utf8'), bytes, stderr };
  }
  /**
   * Runs wrangler; a non-zero exit throws, naming the command and wrangler's error.
   * @param {string[]} args
   * @param {{ input?: string, quiet?: boolean }} [options]
   */
  async function run(args, options) {
    const result = await call(args, options);
    if (result.code !== 0) throw new WranglerError(`wrangler ${args.join(' ')}`, result.code, `${result.stderr}\n${result.stdout}`);
    return result.stdout;
  }
  return { call, run };
}

/** @typedef {ReturnType<typeof wranglerRunner>} Wrangler */
