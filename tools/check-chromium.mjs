#!/usr/bin/env node
// @ts-check
// `npm test` runs this first. The browser tests drive Debian's Chromium at /usr/bin/chromium
// and never download a browser; without it they would die in a Playwright stack trace. So:
// when it is missing, install it as root where apt-get exists (CI, a fresh container), or
// else say in one line what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const APT_GET = '/usr/bin/apt-get';

/**
 * @typedef {{ chromium: string, exists: (path: string) => boolean, isRoot: boolean }} Machine
 * @typedef {{ action: 'none' } | { action: 'install', commands: string[][] } | { action: 'tell', message: string }} Plan
 */

/**
 * What to do about the browser tests' Chromium on this machine.
 * @param {Machine} machine
 * @returns {Plan}
 */
export function chromiumPlan({ chromium, exists, isRoot }) {
  if (exists(chromium)) return { action: 'none' };
  if (isRoot && exists(APT_GET)) {
    return { action: 'install', commands: [[APT_GET, 'update'], [APT_GET, 'install', '-y', 'chromium']] };
  }
  return { action: 'tell', message: missingChromium(chromium, exists(APT_GET)) };
}

/**
 * The one line a developer without Chromium reads.
 * @param {string} chromium
 * @param {boolean} hasApt
 */
export function missingChromium(chromium, hasApt) {
  return hasApt
    ? `npm test: the browser tests need Chromium at ${chromium}: run \`sudo apt-get install -y chromium\`, then npm test again.`
    : `npm test: the browser tests need Chromium at ${chromium}, as Debian's \`chromium\` package installs it (apt-get install -y chromium); then npm test again.`;
}

function main() {
  const plan = chromiumPlan({ chromium: CHROMIUM_PATH, exists: existsSync, isRoot: process.getuid?.() === 0 });
  if (plan.action === 'none') return 0;
  if (plan.action === 'tell') {
    console.error(plan.message);
    return 1;
  }
  console.log(`npm test: ${CHROMIUM_PATH} is missing; installing Debian's chromium with apt-get (about a minute)…`);
  for (const [command, ...args] of plan.commands) {
    const result = spawnSync(/** @type {string} */ (command), args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) {
      console.error(`npm test: \`${[command, ...args].join(' ')}\` failed (exit ${result.status ?? result.signal}); install Debian's chromium by hand, then npm test again.`);
      return 1;
    }
  }
  if (!existsSync(CHROMIUM_PATH)) {
    console.error(`npm test: apt-get installed chromium but ${CHROMIUM_PATH} is still missing; the browser tests need it there.`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main();
