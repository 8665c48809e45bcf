// @ts-check
// What npm start shows of the tools it runs: one line per step, the full output only when
// one fails, and of wrangler dev the worker's own logs and errors without its banners.
import { stripVTControlCharacters } from 'node:util';

/** One line for `wrangler d1 migrations apply` that succeeded (its exit code says so; its wording only shapes the line). */
/** @param {string} output */
export function migrationsSummary(output) {
  const text = stripVTControlCharacters(output);
  if (/No migrations to apply/i.test(text)) return 'D1: the local database is up to date';
  const applied = /About to apply (\d+) migration/i.exec(text)?.[1];
  if (applied) return `D1: ${applied} migration${applied === '1' ? '' : 's'} applied to the local database`;
  return 'D1: migrations applied to the local database';
}

// Lines of `wrangler dev` that say nothing a person running the shop needs: the bindings table,
// the start-up notes, the Ready line (npm start prints its own), every request that went well and
// every queue batch fully acknowledged.
const NOISE = [
  /^Using (secrets|vars) defined in /,
  /^Your Worker has access to the following bindings:/,
  /^Binding\s+Resource\s+Mode\s*$/,
  /^env\.\w+\b.*\s(local|remote)\s*$/,
  /^⎔ (Starting|Reloading) local server/,
  /^\[wrangler:info\] ✨ Parsed \d+ valid header rules/,
  /^\[wrangler:info\] Ready on /,
  /^\[wrangler:info\] [A-Z]+ \S+ [1-4]\d\d\b/,
  /^\[wrangler:info\] QUEUE \S+ (\d+)\/\1 /,
];
// npm start runs the sweep the Cron Trigger would (tools/start/worker.mjs), so wrangler's note
// that it does not is misleading here; it is the warning line and the indented lines under it.
const CRON_NOTE = /Scheduled Workers are not automatically triggered during local development/;

/**
 * A line filter for wrangler dev's output: true for lines to show. Unknown lines are shown, so
 * whatever a future wrangler says is not lost; runs of blank lines become one.
 */
export function wranglerOutputFilter() {
  let lastShownBlank = true;
  let inCronNote = false;
  return (/** @type {string} */ line) => {
    const text = stripVTControlCharacters(line).trimEnd();
    if (inCronNote && (text === '' || /^\s/.test(text))) return false;
    inCronNote = false;
    if (CRON_NOTE.test(text)) {
      inCronNote = true;
      return false;
    }
    if (NOISE.some((pattern) => pattern.test(text))) return false;
    const blank = text === '';
    if (blank && lastShownBlank) return false;
    lastShownBlank = blank;
    return true;
  };
}
