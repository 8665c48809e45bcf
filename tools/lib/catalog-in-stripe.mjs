// @ts-check
// The catalog (catalog/catalog.json) in the seller's Stripe account, idempotently: one Product
// per catalog entry (found again by metadata.catalog_id), a Price with the catalog amount (its
// default_price; recurring when the catalog gives an interval), and a Payment Link selling it
// that redirects to the shop's success page — for physical products asking an address in the
// catalog's shipping countries and offering its shipping rates (Shipping Rates found again by
// metadata.catalog_shipping_rate, made when missing), and promotion codes as the catalog says. It creates what is missing and keeps what the seller
// changed in Stripe (a name, a new price, an archived product, a link's options), listing each
// as skipped; `reseed` puts the catalog's values back. It writes the links and ids back into the
// catalog, one product at a time. `npm run stripe:seed` (test mode) and `npm run launch` (test,
// or live with --live) both run it.
import { readFile } from 'node:fs/promises';
import { writeCatalog } from './catalog-file.mjs';
import { catalogShipping } from './contract.mjs';

/** @typedef {'test' | 'live'} Mode */
/** @typedef {{ name: string, amount: number, currency: string, minDays?: number, maxDays?: number }} ShippingRate */
/** @typedef {{ countries: string[], rates?: ShippingRate[] }} ShippingSettings */
/** @typedef {{ promotionCodes: boolean, shipping: { countries: string[], rates: ShippingRate[] } | null }} LinkOptions */
/** @typedef {{ created: number, reused: number, updated: number, skipped: number }} Counts */

/** @param {any} value */
const idOf = (value) => (value && typeof value === 'object' ? value.id : value) ?? null;

/**
 * A price as a reader compares it: amount, currency and, for a subscription, its interval.
 * @param {number | null} amount @param {string} currency @param {string | null | undefined} interval
 */
const priceText = (amount, currency, interval) => `${amount} ${currency}${interval ? ` / ${interval}` : ''}`;

/**
 * What a catalog product's Payment Link asks, from the catalog (its `shipping`, for a physical
 * product) and the shop's checkout settings (wrangler.toml [vars], the ones worker-made sessions use too).
 * @param {{ digital?: boolean, promotionCodes?: boolean }} entry
 * @param {{ CHECKOUT_PROMOTION_CODES?: string }} vars
 * @param {ShippingSettings | undefined} shipping the catalog's `shipping`
 * @returns {LinkOptions}
 */
export function paymentLinkOptions(entry, vars, shipping) {
  const countries = shipping?.countries ?? [];
  return {
    promotionCodes: entry.promotionCodes ?? String(vars.CHECKOUT_PROMOTION_CODES ?? '').trim() === 'true',
    shipping: entry.digital === false && countries.length > 0 ? { countries, rates: shipping?.rates ?? [] } : null,
  };
}

/**
 * Whether a link asks what `options` say (`rateIds`: the wanted rates' Shipping Rate ids, in
 * order); the differences, as a reader would name them.
 * @param {any} link @param {LinkOptions} options @param {(string | null)[]} rateIds
 */
function linkDifferences(link, options, rateIds) {
  const differences = [];
  if (Boolean(link.allow_promotion_codes) !== options.promotionCodes) differences.push(`promotion codes ${link.allow_promotion_codes ? 'on' : 'off'} in Stripe, ${options.promotionCodes ? 'on' : 'off'} here`);
  const stripeCountries = [...(link.shipping_address_collection?.allowed_countries ?? [])].sort().join(',');
  const wanted = [...(options.shipping?.countries ?? [])].sort().join(',');
  if (stripeCountries !== wanted) differences.push(`shipping to ${stripeCountries || 'nowhere'} in Stripe, ${wanted || 'nowhere'} here`);
  const stripeRates = (link.shipping_options ?? []).map((/** @type {any} */ option) => idOf(option.shipping_rate)).join(',');
  if (stripeRates !== rateIds.join(',')) differences.push(`shipping rates ${stripeRates || 'none'} in Stripe, ${rateIds.length ? `the catalog's ${rateIds.length}` : 'none'} here`);
  return differences;
}

/** @param {LinkOptions} options @param {(string | null)[]} rateIds */
const linkParams = (options, rateIds) => ({
  allow_promotion_codes: options.promotionCodes,
  ...(options.shipping ? { shipping_address_collection: { allowed_countries: options.shipping.countries } } : {}),
  // A null id (a rate a dry run would make) never reaches Stripe: a dry run writes nothing.
  ...(rateIds.length ? { shipping_options: rateIds.map((id) => ({ shipping_rate: /** @type {string} */ (id) })) } : {}),
});

/**
 * @param {{
 *   stripe: import('stripe').Stripe,
 *   catalogPath: string,
 *   mode: Mode,
 *   shopUrl: string,
 *   reseed: boolean,
 *   linkOptions: (entry: any, catalog: any) => LinkOptions,
 *   log: (line: string) => void,
 *   dryRun?: boolean,
 * }} options
 * @returns {Promise<{ counts: Counts, skipped: string[], changedFile: boolean }>}
 */
export async function putCatalogInStripe({ stripe, catalogPath, mode, shopUrl, reseed, linkOptions, log, dryRun = false }) {
  const original = await readFile(catalogPath, 'utf8');
  const catalog = JSON.parse(original);
  let onDisk = original;
  if (!catalog || !Array.isArray(catalog.products)) throw new Error(`${catalogPath}: expected { "products": [...] }`);
  const successUrl = `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`;
  /** @type {Counts} */
  const counts = { created: 0, reused: 0, updated: 0, skipped: 0 };
  /** @type {string[]} */
  const allSkipped = [];
  /** @param {keyof Counts} kind */
  const count = (kind) => {
    counts[kind]++;
    return dryRun && kind !== 'reused' && kind !== 'skipped' ? `would be ${kind}` : kind;
  };
  /** @param {any} object */
  const inMode = (object) => {
    if (object && typeof object.livemode === 'boolean' && object.livemode !== (mode === 'live')) {
      throw new Error(`Stripe returned a ${object.livemode ? 'live' : 'test'}-mode object (${object.id}) to a ${mode}-mode run; refusing to continue.`);
    }
    return object;
  };
  /** A write to Stripe, or in a dry run a stand-in that names what it would make. */
  /** @type {(call: () => Promise<any>, standIn: any) => Promise<any>} */
  const write = async (call, standIn) => (dryRun ? standIn : inMode(await call()));

  // Everything that exists already, fetched once (list and filter: no search index lag).
  const products = (await stripe.products.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).map(inMode);
  const links = (await stripe.paymentLinks.list({ active: true, limit: 100 }).autoPagingToArray({ limit: 10_000 })).map(inMode);
  /** @type {any[] | null} Active Shipping Rates, read once when a physical product first needs them. */
  let shippingRates = null;
  const { shippingRateKey, shippingRateData } = await catalogShipping();
  /**
   * The Shipping Rate ids of the catalog's rates, in order: an active one with the rate's key in
   * metadata.catalog_shipping_rate (Stripe's rates are immutable: a changed rate is a new one), else made.
   * @param {ShippingRate[]} rates @param {string[]} report
   * @returns {Promise<(string | null)[]>}
   */
  const shippingRateIds = async (rates, report) => {
    shippingRates ??= (await stripe.shippingRates.list({ active: true, limit: 100 }).autoPagingToArray({ limit: 10_000 })).map(inMode);
    const ids = [];
    for (const rate of rates) {
      const key = shippingRateKey(rate);
      let found = shippingRates.find((existing) => existing.metadata?.catalog_shipping_rate === key);
      if (!found) {
        found = await write(() => stripe.shippingRates.create(shippingRateData(rate)), { id: null, metadata: { catalog_shipping_rate: key } });
        shippingRates.push(found);
        report.push(`shipping rate ${found.id ?? JSON.stringify(rate.name)} ${count('created')}`);
      }
      ids.push(found.id);
    }
    return ids;
  };

  for (const entry of catalog.products) {
    const slug = entry.id;
    if (typeof slug !== 'string' || !slug) throw new Error(`${catalogPath}: a product has no "id"`);
    const amount = entry.price?.amount;
    const currency = String(entry.price?.currency ?? '').toLowerCase();
    const interval = entry.price?.interval ?? null;
    if (!Number.isInteger(amount) || amount < 0 || !/^[a-z]{3}$/.test(currency) || (interval !== null && !['day', 'week', 'month', 'year'].includes(interval))) {
      throw new Error(`${slug}: price must be { "amount": <integer minor units>, "currency": "<3-letter code>", "interval"?: "day" | "week" | "month" | "year" }`);
    }
    const type = interval ? 'recurring' : 'one_time';
    const options = linkOptions(entry, catalog);
    /** @type {string[]} */
    const report = [];
    /** What the seller changed in Stripe and this run keeps: one line per object. */
    /** @type {string[]} */
    const skipped = [];
    /** @param {string} what @param {string} why */
    const skip = (what, why) => {
      report.push(`${what} ${count('skipped')}`);
      skipped.push(`${slug}: skipped ${what}: ${why}`);
    };

    // 1. The product, found by metadata.catalog_id (an active one first). One that exists keeps
    //    what the seller changed in Stripe unless reseed.
    const matches = products.filter((p) => p.metadata?.catalog_id === slug);
    /** @type {any} */
    let product = matches.find((p) => p.active) ?? matches[0];
    if (!product) {
      product = await write(
        () => stripe.products.create({ name: entry.name, description: entry.description || undefined, metadata: { catalog_id: slug } }),
        { id: null, active: true, name: entry.name, default_price: null, metadata: { catalog_id: slug } },
      );
      products.push(product);
      report.push(`product ${product.id ?? `"${entry.name}"`} ${count('created')}`);
    } else {
      /** @type {Record<string, any>} */
      const changes = {};
      const differences = [];
      if (!product.active) {
        changes.active = true;
        differences.push('archived in Stripe');
      }
      if (product.name !== entry.name) {
        changes.name = entry.name;
        differences.push(`its name is ${JSON.stringify(product.name)} in Stripe, ${JSON.stringify(entry.name)} in the catalog`);
      }
      if ((product.description ?? '') !== (entry.description ?? '')) {
        changes.description = entry.description ?? '';
        differences.push('its description differs from the catalog');
      }
      if (differences.length === 0) {
        report.push(`product ${product.id} ${count('reused')}`);
      } else if (reseed) {
        product = await write(() => stripe.products.update(product.id, changes), { ...product, ...changes });
        report.push(`product ${product.id} ${count('updated')} (${Object.keys(changes).join(', ')})`);
      } else {
        skip(`product ${product.id}`, differences.join('; '));
      }
    }
    // An archived product stays as the seller left it: nothing new is made for it.
    const archived = !product.active;

    // 2. Its price: the default price when it is active (the seller's, if they set a new one;
    //    with reseed only when it is the catalog's), else an active one with the catalog amount.
    const prices = product.id ? await stripe.prices.list({ product: product.id, active: true, limit: 100 }).autoPagingToArray({ limit: 10_000 }) : [];
    const defaultPriceId = idOf(product.default_price);
    /** @param {any} p */
    const fits = (p) => p.type === type && p.active && p.unit_amount === amount && p.currency === currency && (p.recurring?.interval ?? null) === interval;
    const current = prices.find((p) => p.id === defaultPriceId);
    /** @type {any} */
    let price = current && fits(current) ? current : undefined;
    if (price) {
      report.push(`price ${price.id} ${count('reused')}`);
    } else if (current && !reseed) {
      price = current;
      skip(`price ${price.id}`, `${priceText(price.unit_amount, price.currency, price.recurring?.interval)} in Stripe, ${priceText(amount, currency, interval)} in the catalog`);
    } else {
      price = prices.find(fits);
      if (price) {
        report.push(`price ${price.id} ${count('reused')}`);
      } else if (archived) {
        skip('price', 'none is active and the product is archived in Stripe');
      } else {
        price = await write(
          () => stripe.prices.create({ product: product.id, unit_amount: amount, currency, ...(interval ? { recurring: { interval } } : {}), metadata: { catalog_id: slug } }),
          { id: null },
        );
        report.push(`price ${price.id ?? priceText(amount, currency, interval)} ${count('created')}`);
      }
    }
    if (price && !archived && defaultPriceId !== price.id && !dryRun) {
      product = inMode(await stripe.products.update(product.id, { default_price: price.id }));
      // The price it replaces (reseed only) is archived, as Stripe's dashboard does: one active price.
      if (current) {
        await stripe.prices.update(current.id, { active: false });
        count('updated');
        report.push(`price ${current.id} archived`);
      }
    }

    // 3. A Payment Link selling exactly that price, returning to the shop's success page (the
    //    shop's address is this run's, not the seller's to change).
    const previousLinkId = entry.paymentLinks?.[mode]?.id ?? null;
    const candidates = links
      .filter((l) => l.metadata?.catalog_id === slug || l.id === previousLinkId)
      .sort((a, b) => Number(b.id === previousLinkId) - Number(a.id === previousLinkId));
    /** @type {any} */
    let link;
    for (const candidate of price?.id ? candidates : []) {
      const items = await stripe.paymentLinks.listLineItems(candidate.id, { limit: 2 });
      const only = items.data.length === 1 && !items.has_more ? items.data[0] : null;
      if (only && idOf(only.price) === price.id && only.quantity === 1) {
        link = candidate;
        break;
      }
    }
    const rateIds = options.shipping && !archived ? await shippingRateIds(options.shipping.rates, report) : [];
    if (!link && archived) {
      skip('payment link', 'the product is archived in Stripe');
    } else if (!link) {
      link = await write(
        () =>
          stripe.paymentLinks.create({
            line_items: [{ price: price.id, quantity: 1 }],
            after_completion: { type: 'redirect', redirect: { url: successUrl } },
            ...linkParams(options, rateIds),
            metadata: { catalog_id: slug },
          }),
        { id: null, url: null },
      );
      links.push(link);
      report.push(`payment link ${link.id ?? ''}${link.id ? ' ' : ''}${count('created')}`);
    } else {
      /** @type {Record<string, unknown>} */
      const changes = {};
      const why = [];
      if (link.after_completion?.type !== 'redirect' || link.after_completion.redirect?.url !== successUrl || link.metadata?.catalog_id !== slug) {
        Object.assign(changes, { after_completion: { type: 'redirect', redirect: { url: successUrl } }, metadata: { catalog_id: slug } });
        why.push('redirect');
      }
      const differences = linkDifferences(link, options, rateIds);
      if (differences.length && reseed) {
        Object.assign(changes, linkParams(options, rateIds), options.shipping ? {} : { shipping_address_collection: '' }, rateIds.length ? {} : { shipping_options: '' });
        why.push('options');
      }
      if (why.length) {
        link = await write(() => stripe.paymentLinks.update(link.id, changes), link);
        report.push(`payment link ${link.id} ${count('updated')} (${why.join(', ')})`);
      } else {
        report.push(`payment link ${link.id} ${count('reused')}`);
      }
      if (differences.length && !reseed) skip(`options of payment link ${link.id}`, differences.join('; '));
    }

    // 4. Back into the catalog (not in a dry run).
    if (!dryRun) {
      if (link) entry.paymentLinks = { ...(entry.paymentLinks ?? {}), [mode]: { id: link.id, url: link.url } };
      entry.paymentLinks ??= {};
      for (const other of ['test', 'live']) entry.paymentLinks[other] ??= { id: null, url: null };
      if (price) entry.stripe = { productId: product.id, priceId: price.id };
      onDisk = await writeCatalog(catalogPath, catalog, onDisk);
    }
    log(`${slug}: ${report.join(' · ')}`);
    for (const line of skipped) log(line);
    allSkipped.push(...skipped);
  }

  return { counts, skipped: allSkipped, changedFile: onDisk !== original };
}
