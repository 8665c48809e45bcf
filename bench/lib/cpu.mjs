// CPU time of the workerd process Miniflare started (user + system, all its threads), read
// from /proc: an upper bound on what the Workers platform would bill as CPU time, since it
// also counts Miniflare's loopback proxy, local D1 (SQLite) and the queue broker, which run
// in the same process here and elsewhere in production.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Ids of this process's child processes named `workerd`. */
export function workerdPids() {
  const pids = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids; // not Linux: no figures
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'workerd' && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU ms used so far by the given processes (utime + stime). */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After "pid (comm) ": state is field 0, utime field 11, stime field 12.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Starts a CPU measurement of the workerd processes running now; `stop()` returns the ms used since. */
export function measureWorkerdCpu() {
  const pids = workerdPids();
  const before = cpuMs(pids);
  return { pids, stop: () => (pids.length === 0 ? NaN : cpuMs(pids) - before) };
}
