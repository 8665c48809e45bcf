// The frame of the local Stripe's own pages: a banner that says it is local, escaped text.
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function formatMoney(amount: number | null, currency: string | null): string {
  if (amount === null || currency === null) return '—';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}.banner{background:#fde68a;padding:.5rem 1rem;border-radius:.25rem;font-weight:600}table{width:100%;margin:1rem 0}td{padding:.25rem 0}button{margin:.5rem .5rem 0 0;padding:.5rem 1.25rem}label{display:block;margin:1rem 0}</style>
</head><body><p class="banner" role="note">Fake Stripe Checkout — test only. No real payment happens here.</p><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}
