// @ts-check
// npm start's two ports, checked before anything starts: a taken one stops it with one line
// that says which port and how to move it, instead of a stranger's answer taken for the shop's.
import { connect, createServer } from 'node:net';

/** @typedef {{ port: number, what: string, option: string, envVar: string }} PortUse */

/**
 * A port number from an option or an environment variable; throws a one-line reason otherwise.
 * @param {string} value
 * @param {string} source the option or variable it came from, for the message
 */
export function parsePort(value, source) {
  const port = /^\d+$/.test(String(value).trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(port) || port < 1 || port > 65535) throw new Error(`${source} must be a port number from 1 to 65535, got "${value}"`);
  return port;
}

/** Something answers on 127.0.0.1:port, or the port cannot be bound there (e.g. a server on 0.0.0.0). @param {number} port */
export async function portTaken(port) {
  return (await answers(port)) || !(await bindable(port));
}

/** @param {number} port @returns {Promise<boolean>} */
function answers(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const settle = (/** @type {boolean} */ taken) => {
      socket.destroy();
      resolve(taken);
    };
    socket.setTimeout(1000);
    socket.once('connect', () => settle(true));
    socket.once('timeout', () => settle(true));
    socket.once('error', () => settle(false));
  });
}

/** @param {number} port @returns {Promise<boolean>} */
function bindable(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The line npm start stops with for the first taken port, or null when all are free. @param {PortUse[]} uses */
export async function takenPortMessage(uses) {
  for (const { port, what, option, envVar } of uses) {
    if (await portTaken(port)) {
      return `npm start: port ${port} (${what}) is already in use on 127.0.0.1: stop what runs there, or pick another port with ${option} <n> (npm start -- ${option} <n>) or ${envVar}=<n>.`;
    }
  }
  return null;
}
