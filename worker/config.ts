/**
 * Reads a comma-separated variable (`STRIPE_WEBHOOK_SECRET`, `ALLOWED_ORIGINS`):
 * trimmed, empties dropped, since pasted values often carry stray whitespace.
 */
export function commaSeparated(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
