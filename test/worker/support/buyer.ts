// A storefront buyer as the browser makes one (site/src/buyer.ts): a secret, and the id derived from it.
function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export async function newBuyer() {
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const id = `b_${base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)))}`;
  return { id, secret, headers: { 'x-buyer-secret': secret } };
}
