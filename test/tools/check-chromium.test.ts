import { describe, expect, it } from 'vitest';
import { APT_GET, chromiumPlan, missingChromium } from '../../tools/check-chromium.mjs';

const machine = (present: string[], isRoot: boolean) => ({ chromium: '/usr/bin/chromium', exists: (path: string) => present.includes(path), isRoot });

describe('chromiumPlan: what npm test does about the browser tests’ Chromium', () => {
  it('nothing when it is there', () => {
    expect(chromiumPlan(machine(['/usr/bin/chromium', APT_GET], false))).toEqual({ action: 'none' });
  });

  it('as root with apt-get: installs Debian’s chromium, as .ci/run does', () => {
    expect(chromiumPlan(machine([APT_GET], true))).toEqual({
      action: 'install',
      commands: [
        [APT_GET, 'update'],
        [APT_GET, 'install', '-y', 'chromium'],
      ],
    });
  });

  it('not root, apt-get present: one line naming the sudo apt-get command', () => {
    expect(chromiumPlan(machine([APT_GET], false))).toEqual({
      action: 'tell',
      message: 'npm test: the browser tests need Chromium at /usr/bin/chromium: run `sudo apt-get install -y chromium`, then npm test again.',
    });
  });

  it('no apt-get (root or not): one line naming Debian’s package and the path', () => {
    for (const isRoot of [true, false]) {
      const plan = chromiumPlan(machine([], isRoot));
      expect(plan).toEqual({ action: 'tell', message: missingChromium('/usr/bin/chromium', false) });
    }
    expect(missingChromium('/usr/bin/chromium', false)).toBe(
      "npm test: the browser tests need Chromium at /usr/bin/chromium, as Debian's `chromium` package installs it (apt-get install -y chromium); then npm test again.",
    );
  });

  it('every message is one line', () => {
    for (const hasApt of [true, false]) expect(missingChromium('/usr/bin/chromium', hasApt)).not.toMatch(/\n/);
  });
});
