// Child processes and temp dirs that always go away: every spawned command runs in
// its own process group (detached) and is stopped by signalling that group by its id.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** @type {Array<() => Promise<void> | void>} */
const cleanups = [];

/** Registers `fn` to run (last registered first) at `cleanupAll`; returns an unregister function. */
export function onCleanup(fn) {
  cleanups.push(fn);
  return () => {
    const index = cleanups.indexOf(fn);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

export async function cleanupAll() {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      await fn?.();
    } catch (error) {
      console.error(`bench: cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** A fresh directory under `parent` (the OS temp dir by default), removed at cleanup. */
export function tempDir(prefix, parent = tmpdir()) {
  const dir = mkdtempSync(path.join(parent, prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a process group: TERM, then KILL after `graceMs`. */
export async function stopGroup(pid, graceMs = 5_000) {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!signalGroup(pid, 0)) return;
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
}

/**
 * Runs a command to completion (or until `timeoutMs`, then kills its group).
 * Resolves with its output; rejects on a non-zero exit with the output's tail.
 * @param {string} command @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 * @returns {Promise<{ stdout: string, stderr: string, ms: number }>}
 */
export function run(command, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const unregister = onCleanup(() => child.pid !== undefined && stopGroup(child.pid, 1_000));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      unregister();
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      unregister();
      // Anything the command left behind in its group goes too.
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      const ms = performance.now() - started;
      if (code === 0 && !timedOut) return resolve({ stdout, stderr, ms });
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-25).join('\n');
      const why = timedOut ? `timed out after ${timeoutMs} ms` : `exit ${code ?? signal}`;
      reject(new Error(`${path.basename(command)} ${args.join(' ')}: ${why}\n${tail}`));
    });
  });
}
