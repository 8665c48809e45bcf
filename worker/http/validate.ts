// Request validation with the contract's schemas, through Hono's standard validator:
// a 400 naming the field (`items[0].price must be …`), before the handler runs.
import { sValidator } from '@hono/standard-validator';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { HTTPException } from 'hono/http-exception';

export function validate<Target extends keyof ValidationTargets, Schema extends StandardSchemaV1>(target: Target, schema: Schema) {
  return sValidator(target, schema, (result) => {
    // A path parameter's name is the route's, not the caller's: its message stands alone.
    if (!result.success) throw new HTTPException(400, { message: describeIssue(result.error[0], target !== 'param') });
  });
}

/** `items[0].price must be a Stripe price id`: the issue's path in JavaScript notation, then its message. */
export function describeIssue(issue: StandardSchemaV1.Issue | undefined, withPath = true): string {
  if (!issue) return 'invalid request';
  if (!withPath) return issue.message;
  let path = '';
  for (const segment of issue.path ?? []) {
    const key = typeof segment === 'object' ? segment.key : segment;
    path += typeof key === 'number' ? `[${key}]` : path ? `.${String(key)}` : String(key);
  }
  return path ? `${path} ${issue.message}` : issue.message;
}
