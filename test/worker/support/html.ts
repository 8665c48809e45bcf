// Reads a rendered page with HTMLRewriter (lol-html, a real HTML parser), for assertions.

/** What a product page says, entities decoded. */
export interface ProductPageView {
  title: string;
  robots: string | null;
  canonical: string | null;
  meta: Record<string, string>;
  /** Raw text of every `<script type="application/ld+json">`. */
  jsonLd: string[];
  /** Count of every `<script>` element, data or not. */
  scripts: number;
  /** Count of `<b>` elements (the product pages have none: one would be injected). */
  bold: number;
  productId: string | null;
  name: string;
  price: string;
  description: string;
  image: { src: string | null; alt: string | null };
  /** The Buy link, or the Buy button of a form. */
  buy: { href: string | null; id: string | null } | null;
  /** The form Buy submits, when Buy is a button. */
  buyForm: { method: string | null; action: string | null } | null;
}

export function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, code: string) => {
    if (code[0] === '#') return String.fromCodePoint(code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1)));
    return named[code.toLowerCase()] ?? entity;
  });
}

export async function readProductPage(html: string): Promise<ProductPageView> {
  const view: ProductPageView = {
    title: '', robots: null, canonical: null, meta: {}, jsonLd: [], scripts: 0, bold: 0, productId: null,
    name: '', price: '', description: '', image: { src: null, alt: null }, buy: null, buyForm: null,
  };
  const attribute = (element: Element, name: string) => {
    const value = element.getAttribute(name);
    return value === null ? null : decodeEntities(value);
  };
  let jsonLd: string | null = null;
  const collect = (set: (text: string) => void) => {
    let buffer = '';
    return {
      text(chunk: Text) {
        buffer += chunk.text;
        if (chunk.lastInTextNode) {
          set(decodeEntities(buffer));
          buffer = '';
        }
      },
    };
  };
  await new HTMLRewriter()
    .on('title', collect((text) => (view.title = text)))
    .on('meta[name="robots"]', { element: (e) => void (view.robots = attribute(e, 'content')) })
    .on('link[rel="canonical"]', { element: (e) => void (view.canonical = attribute(e, 'href')) })
    .on('meta[property], meta[name]', {
      element: (e) => {
        const key = e.getAttribute('property') ?? e.getAttribute('name');
        if (key) view.meta[key] = attribute(e, 'content') ?? '';
      },
    })
    .on('script', {
      element: (e) => {
        view.scripts++;
        if (e.getAttribute('type') === 'application/ld+json') jsonLd = '';
      },
      text: (chunk) => {
        if (jsonLd === null) return;
        jsonLd += chunk.text;
        if (chunk.lastInTextNode) {
          view.jsonLd.push(jsonLd);
          jsonLd = null;
        }
      },
    })
    .on('b', { element: () => void view.bold++ })
    .on('article[data-product-id]', { element: (e) => void (view.productId = attribute(e, 'data-product-id')) })
    .on('h1.product__title', collect((text) => (view.name = text)))
    .on('.product [data-price]', collect((text) => (view.price = text)))
    .on('.product__description', collect((text) => (view.description = text)))
    .on('img.product__image', { element: (e) => void (view.image = { src: attribute(e, 'src'), alt: attribute(e, 'alt') }) })
    .on('[data-buy]', { element: (e) => void (view.buy = { href: attribute(e, 'href'), id: attribute(e, 'data-buy') }) })
    .on('.product__buy form', { element: (e) => void (view.buyForm = { method: attribute(e, 'method'), action: attribute(e, 'action') }) })
    .transform(new Response(html))
    .arrayBuffer();
  return view;
}

/** The CSP source (`'sha256-…'`) of each inline `<style>` of a page: the hash a browser checks it against. */
export async function inlineStyleSources(html: string): Promise<string[]> {
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
  return Promise.all(
    styles.map(async (style) => {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(style)));
      return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
    }),
  );
}
