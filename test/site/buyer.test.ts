// buyer.ts reads `window.storefrontBuyer` and localStorage; Node has neither, so each test stubs
// minimal stand-ins and imports a fresh copy of the module (it keeps an in-memory fallback and a
// set of already-reported messages at module level).
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { BuyerHint } from '../../site/src/buyer';
import { CLIENT_REFERENCE_ID } from '../../contract/ids';

type BuyerModule = typeof import('../../site/src/buyer');

const ID_KEY = 'storefront.clientReferenceId';
const EMAIL_KEY = 'storefront.email';
const VALID = CLIENT_REFERENCE_ID;

/** A Map-backed Storage; `failWith` makes the chosen methods throw like a browser would. */
class FakeStorage implements Storage {
  readonly data = new Map<string, string>();
  failWith: { read?: Error; write?: Error } = {};

  get length(): number {
    return this.data.size;
  }
  clear(): void {
    this.data.clear();
  }
  key(index: number): string | null {
    return [...this.data.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    if (this.failWith.read) throw this.failWith.read;
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.failWith.write) throw this.failWith.write;
    this.data.set(key, String(value));
  }
  removeItem(key: string): void {
    if (this.failWith.write) throw this.failWith.write;
    this.data.delete(key);
  }
}

let storage: FakeStorage;
let win: { storefrontBuyer?: BuyerHint };
let consoleError: MockInstance<typeof console.error>;

async function load(): Promise<BuyerModule> {
  vi.resetModules();
  return import('../../site/src/buyer');
}

beforeEach(() => {
  storage = new FakeStorage();
  win = {};
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('window', win);
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('getBuyer', () => {
  it('creates a valid random id on first use, stores it and keeps returning it', async () => {
    const { getBuyer } = await load();
    const first = getBuyer();
    expect(first.clientReferenceId).toMatch(VALID);
    expect(first.email).toBeNull();
    expect(storage.data.get(ID_KEY)).toBe(first.clientReferenceId);
    expect(getBuyer().clientReferenceId).toBe(first.clientReferenceId);
    // A later page view (fresh module) finds the same id in localStorage.
    const again = await load();
    expect(again.getBuyer().clientReferenceId).toBe(first.clientReferenceId);
  });

  it('gives different browsers different ids', async () => {
    const a = (await load()).getBuyer().clientReferenceId;
    storage.clear();
    const b = (await load()).getBuyer().clientReferenceId;
    expect(a).not.toBe(b);
  });

  it('uses a stored id and email', async () => {
    storage.data.set(ID_KEY, 'user_42');
    storage.data.set(EMAIL_KEY, 'ada@example.com');
    const { getBuyer } = await load();
    expect(getBuyer()).toEqual({ clientReferenceId: 'user_42', email: 'ada@example.com' });
  });

  it.each(['', 'has space', 'user.42', 'x'.repeat(201)])('replaces the invalid stored id %j', async (bad) => {
    storage.data.set(ID_KEY, bad);
    const { getBuyer } = await load();
    const { clientReferenceId } = getBuyer();
    expect(clientReferenceId).toMatch(VALID);
    expect(clientReferenceId).not.toBe(bad);
    expect(storage.data.get(ID_KEY)).toBe(clientReferenceId);
  });

  it.each(['not-an-email', 'a b@example.com', `${'a'.repeat(250)}@example.com`])(
    'ignores the invalid stored email %j',
    async (bad) => {
      storage.data.set(EMAIL_KEY, bad);
      const { getBuyer } = await load();
      expect(getBuyer().email).toBeNull();
    },
  );

  it('prefers window.storefrontBuyer and does not store it', async () => {
    storage.data.set(ID_KEY, 'stored_id');
    storage.data.set(EMAIL_KEY, 'stored@example.com');
    win.storefrontBuyer = { id: 'user_123', email: ' ada@example.com ' };
    const { getBuyer } = await load();
    expect(getBuyer()).toEqual({ clientReferenceId: 'user_123', email: 'ada@example.com' });
    expect(storage.data.get(ID_KEY)).toBe('stored_id');
    expect(storage.data.get(EMAIL_KEY)).toBe('stored@example.com');
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('takes each hint field on its own', async () => {
    storage.data.set(ID_KEY, 'stored_id');
    storage.data.set(EMAIL_KEY, 'stored@example.com');
    const { getBuyer } = await load();
    win.storefrontBuyer = { email: 'hint@example.com' };
    expect(getBuyer()).toEqual({ clientReferenceId: 'stored_id', email: 'hint@example.com' });
    win.storefrontBuyer = { id: 'hint_id' };
    expect(getBuyer()).toEqual({ clientReferenceId: 'hint_id', email: 'stored@example.com' });
    win.storefrontBuyer = { id: null, email: null };
    expect(getBuyer()).toEqual({ clientReferenceId: 'stored_id', email: 'stored@example.com' });
  });

  it('reports an invalid hint id once and falls back to the stored id', async () => {
    storage.data.set(ID_KEY, 'stored_id');
    win.storefrontBuyer = { id: 'ada@example.com' };
    const { getBuyer } = await load();
    expect(getBuyer().clientReferenceId).toBe('stored_id');
    expect(getBuyer().clientReferenceId).toBe('stored_id');
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(String(consoleError.mock.calls[0]?.[0])).toContain('window.storefrontBuyer.id');
    expect(String(consoleError.mock.calls[0]?.[0])).toContain('"ada@example.com"');
  });

  it('reports a non-string hint id without crashing', async () => {
    win.storefrontBuyer = { id: 12345 as unknown as string };
    const { getBuyer } = await load();
    expect(getBuyer().clientReferenceId).toMatch(VALID);
    expect(String(consoleError.mock.calls[0]?.[0])).toContain('number');
  });

  it('shortens a very long invalid hint id in the report', async () => {
    win.storefrontBuyer = { id: 'x'.repeat(500) };
    const { getBuyer } = await load();
    getBuyer();
    const message = String(consoleError.mock.calls[0]?.[0]);
    expect(message).toContain(`${'x'.repeat(60)}…`);
    expect(message).not.toContain('x'.repeat(61));
  });

  it('reports an invalid hint email and falls back to the stored email', async () => {
    storage.data.set(EMAIL_KEY, 'stored@example.com');
    win.storefrontBuyer = { email: 'nope' };
    const { getBuyer } = await load();
    expect(getBuyer().email).toBe('stored@example.com');
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(String(consoleError.mock.calls[0]?.[0])).toContain('window.storefrontBuyer.email');
  });

  it('works where window is undefined', async () => {
    vi.stubGlobal('window', undefined);
    const { getBuyer } = await load();
    expect(getBuyer().clientReferenceId).toMatch(VALID);
  });

  it('falls back to 32 hex characters when crypto.randomUUID is unavailable (plain http)', async () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: real.getRandomValues.bind(real) });
    const { getBuyer } = await load();
    const { clientReferenceId } = getBuyer();
    expect(clientReferenceId).toMatch(/^[0-9a-f]{32}$/);
    expect(getBuyer().clientReferenceId).toBe(clientReferenceId);
  });
});

describe('setBuyer', () => {
  it('stores a valid id and trimmed email and returns the buyer in effect', async () => {
    const { getBuyer, setBuyer } = await load();
    expect(setBuyer({ id: 'user_9', email: '  ada@example.com ' })).toEqual({
      clientReferenceId: 'user_9',
      email: 'ada@example.com',
    });
    expect(storage.data.get(ID_KEY)).toBe('user_9');
    expect(storage.data.get(EMAIL_KEY)).toBe('ada@example.com');
    expect(getBuyer()).toEqual({ clientReferenceId: 'user_9', email: 'ada@example.com' });
  });

  it('leaves omitted fields alone', async () => {
    const { setBuyer } = await load();
    setBuyer({ id: 'user_9', email: 'ada@example.com' });
    expect(setBuyer({ email: 'grace@example.com' })).toEqual({ clientReferenceId: 'user_9', email: 'grace@example.com' });
    expect(setBuyer({ id: 'user_10' })).toEqual({ clientReferenceId: 'user_10', email: 'grace@example.com' });
    expect(setBuyer({})).toEqual({ clientReferenceId: 'user_10', email: 'grace@example.com' });
  });

  it('clears fields with null; a cleared id becomes a new random one', async () => {
    const { setBuyer } = await load();
    setBuyer({ id: 'user_9', email: 'ada@example.com' });
    const cleared = setBuyer({ id: null, email: null });
    expect(cleared.email).toBeNull();
    expect(cleared.clientReferenceId).toMatch(VALID);
    expect(cleared.clientReferenceId).not.toBe('user_9');
    expect(storage.data.has(EMAIL_KEY)).toBe(false);
    expect(storage.data.get(ID_KEY)).toBe(cleared.clientReferenceId);
  });

  it('rejects an invalid id or email, keeps the current ones and reports it', async () => {
    const { setBuyer } = await load();
    setBuyer({ id: 'user_9', email: 'ada@example.com' });
    expect(setBuyer({ id: 'user 9', email: 'not an email' })).toEqual({
      clientReferenceId: 'user_9',
      email: 'ada@example.com',
    });
    expect(storage.data.get(ID_KEY)).toBe('user_9');
    expect(storage.data.get(EMAIL_KEY)).toBe('ada@example.com');
    const messages = consoleError.mock.calls.map((call) => String(call[0]));
    expect(messages.some((m) => m.includes('setBuyer() id'))).toBe(true);
    expect(messages.some((m) => m.includes('setBuyer() email'))).toBe(true);
  });

  it('is overridden by window.storefrontBuyer', async () => {
    const { setBuyer } = await load();
    win.storefrontBuyer = { id: 'from_hook' };
    expect(setBuyer({ id: 'from_setter' }).clientReferenceId).toBe('from_hook');
    expect(storage.data.get(ID_KEY)).toBe('from_setter');
  });
});

describe('without usable localStorage', () => {
  it('keeps the buyer in memory when storage is missing', async () => {
    vi.stubGlobal('localStorage', undefined);
    const { getBuyer, setBuyer } = await load();
    const id = getBuyer().clientReferenceId;
    expect(id).toMatch(VALID);
    expect(getBuyer().clientReferenceId).toBe(id);
    expect(setBuyer({ id: 'user_9', email: 'ada@example.com' })).toEqual({
      clientReferenceId: 'user_9',
      email: 'ada@example.com',
    });
  });

  it('keeps the buyer in memory when storage access is blocked', async () => {
    const blocked = new DOMException('The operation is insecure.', 'SecurityError');
    storage.failWith = { read: blocked, write: blocked };
    const { getBuyer, setBuyer } = await load();
    const id = getBuyer().clientReferenceId;
    expect(getBuyer().clientReferenceId).toBe(id);
    expect(setBuyer({ id: 'user_9' }).clientReferenceId).toBe('user_9');
    expect(getBuyer().clientReferenceId).toBe('user_9');
  });

  it('keeps the buyer in memory when storage is full (reads work, writes throw)', async () => {
    storage.failWith = { write: new DOMException('Quota exceeded', 'QuotaExceededError') };
    const { getBuyer, setBuyer } = await load();
    const id = getBuyer().clientReferenceId;
    expect(id).toMatch(VALID);
    expect(getBuyer().clientReferenceId).toBe(id);
    expect(setBuyer({ id: 'user_9', email: 'ada@example.com' })).toEqual({
      clientReferenceId: 'user_9',
      email: 'ada@example.com',
    });
    expect(storage.data.size).toBe(0);
  });

  it('lets setBuyer() override a previously stored buyer when storage is full', async () => {
    storage.data.set(ID_KEY, 'old_id');
    storage.data.set(EMAIL_KEY, 'old@example.com');
    storage.failWith = { write: new DOMException('Quota exceeded', 'QuotaExceededError') };
    const { getBuyer, setBuyer } = await load();
    expect(getBuyer()).toEqual({ clientReferenceId: 'old_id', email: 'old@example.com' });
    expect(setBuyer({ id: 'user_9', email: null })).toEqual({ clientReferenceId: 'user_9', email: null });
    expect(getBuyer()).toEqual({ clientReferenceId: 'user_9', email: null });
    // Nothing reached storage: a later page view starts from what was stored before.
    expect(storage.data.get(ID_KEY)).toBe('old_id');
  });

  it('goes back to localStorage once a write succeeds again', async () => {
    storage.failWith = { write: new DOMException('Quota exceeded', 'QuotaExceededError') };
    const { getBuyer, setBuyer } = await load();
    setBuyer({ id: 'in_memory' });
    storage.failWith = {};
    setBuyer({ id: 'persisted' });
    expect(storage.data.get(ID_KEY)).toBe('persisted');
    // Another tab signs in as someone else: this page sees it.
    storage.data.set(ID_KEY, 'other_tab');
    expect(getBuyer().clientReferenceId).toBe('other_tab');
  });
});

describe('with working localStorage', () => {
  it('sees changes another tab makes', async () => {
    const { getBuyer, setBuyer } = await load();
    setBuyer({ id: 'user_9', email: 'ada@example.com' });
    storage.data.set(ID_KEY, 'user_10');
    storage.data.delete(EMAIL_KEY);
    expect(getBuyer()).toEqual({ clientReferenceId: 'user_10', email: null });
  });
});

describe('the proof beside the storefront’s own id', () => {
  it('derives the id from a secret kept beside it: id = "b_" + base64url(SHA-256(secret))', async () => {
    const { getBuyer, BUYER_SECRET_KEY } = await load();
    const { clientReferenceId } = getBuyer();
    const secret = storage.data.get(BUYER_SECRET_KEY)!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { createHash } = await import('node:crypto');
    expect(clientReferenceId).toBe(`b_${createHash('sha256').update(secret).digest('base64url')}`);
  });

  it('buyerProofHeaders sends that secret; two browsers get different ids and secrets', async () => {
    const first = await load();
    const headers = first.buyerProofHeaders();
    expect(headers).toEqual({ 'X-Buyer-Secret': storage.data.get(first.BUYER_SECRET_KEY) });
    const id = first.getBuyer().clientReferenceId;
    storage = new FakeStorage();
    vi.stubGlobal('localStorage', storage);
    const second = await load();
    expect(second.getBuyer().clientReferenceId).not.toBe(id);
    expect(second.buyerProofHeaders()['X-Buyer-Secret']).not.toBe(headers['X-Buyer-Secret']);
  });

  it('a seller’s own id drops the secret: no proof headers, the seller’s token proves it', async () => {
    const { getBuyer, setBuyer, buyerProofHeaders, BUYER_SECRET_KEY } = await load();
    getBuyer();
    setBuyer({ id: 'user_123' });
    expect(storage.data.has(BUYER_SECRET_KEY)).toBe(false);
    expect(buyerProofHeaders()).toEqual({});
  });

  it('window.storefrontBuyer’s id gets no proof headers even when a storefront secret is stored', async () => {
    const { getBuyer, buyerProofHeaders } = await load();
    getBuyer();
    win.storefrontBuyer = { id: 'user_hint' };
    expect(buyerProofHeaders()).toEqual({});
  });
});
