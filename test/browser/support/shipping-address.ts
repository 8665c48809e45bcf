// The address a buyer types on the local Stripe's hosted checkout when the session ships goods
// (its `shipping_*` fields, in the catalog's countries).
import type { Page } from 'playwright-core';

/** Fills the hosted checkout's shipping address with one US address (the buyer, Ada Lovelace). */
export async function fillShippingAddress(page: Page): Promise<void> {
  await page.fill('input[name=shipping_name]', 'Ada Lovelace');
  await page.fill('input[name=shipping_line1]', '12 Harbour Lane');
  await page.fill('input[name=shipping_city]', 'Portsmouth');
  await page.fill('input[name=shipping_state]', 'NH');
  await page.fill('input[name=shipping_postal_code]', '03801');
  await page.selectOption('select[name=shipping_country]', 'US');
}
