// The local Stripe is for this machine's browser and tests only. Listening on 127.0.0.1 is not
// enough: a page on any site can post to it through the browser (a form needs no CORS), and a
// name that rebinds to 127.0.0.1 reads it as its own origin. These checks close both.
import type http from 'node:http';

export interface Refusal {
  status: number;
  reason: string;
}

const OWN_HOSTNAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** DNS rebinding sends a foreign name in Host: answer only to this machine's names on this port. */
export function refuseForeignHost(req: http.IncomingMessage, port: number): Refusal | null {
  const host = (req.headers.host ?? '').toLowerCase();
  const names = OWN_HOSTNAMES.flatMap((name) => (port === 80 ? [`${name}:80`, name] : [`${name}:${port}`]));
  if (names.includes(host)) return null;
  return { status: 421, reason: `The local Stripe answers only to Host 127.0.0.1:${port}, localhost:${port} or [::1]:${port}, not ${JSON.stringify(host)}.` };
}

/** A request from another page's script or form carries that page's Origin; tests and the address bar send none. */
export function refuseForeignOrigin(req: http.IncomingMessage): Refusal | null {
  const origin = req.headers.origin;
  if (origin === undefined || origin.toLowerCase() === `http://${(req.headers.host ?? '').toLowerCase()}`) return null;
  return { status: 403, reason: `The local Stripe refused a request from ${origin}: only its own pages and local tools may drive it.` };
}

/** The dashboard's own forms: a browser always sends Origin with a POST, so one missing is not the dashboard. */
export function refuseUnlessOwnPage(req: http.IncomingMessage): Refusal | null {
  if (req.headers.origin === undefined) return { status: 403, reason: 'The local Stripe refused a dashboard action without an Origin: post it from the dashboard page.' };
  return refuseForeignOrigin(req);
}

/** A cross-site form can send text/plain or a form body, never application/json (that needs CORS). */
export function refuseUnlessJson(req: http.IncomingMessage): Refusal | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return null;
  return { status: 415, reason: `The local Stripe's control endpoints take Content-Type: application/json, not ${JSON.stringify(type || 'none')}.` };
}
