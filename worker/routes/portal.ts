import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { PortalRequest, type PortalResponse } from '../../contract/api';
import { MAX_PORTAL_BODY_BYTES } from '../../contract/limits';
import type { AppEnv } from '../http/app-env';
import { buyerProven } from '../http/buyer-proof';
import { createPortal } from '../checkout/portal';
import { siteOrigin } from './checkout';
import { requireJson } from '../http/require-json';
import { validate } from '../http/validate';

// POST, JSON only (a cross-site page cannot send it without a preflight), and proven like the
// entitlements (worker/http/buyer-proof.ts): a client reference id alone opens nothing.
export const portal = new Hono<AppEnv>().post(
  '/',
  bodyLimit({
    maxSize: MAX_PORTAL_BODY_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: `portal request larger than ${MAX_PORTAL_BODY_BYTES} bytes` });
    },
  }),
  requireJson(),
  validate('json', PortalRequest),
  buyerProven('json'),
  async (c) => {
    const { clientReferenceId } = c.req.valid('json');
    const answer: PortalResponse = await createPortal(c.env, clientReferenceId, `${siteOrigin(c.req.raw, c.env.ALLOWED_ORIGINS)}/`);
    return c.json(answer, 200);
  },
);
