// Layout shifts as the page itself measures them (the Layout Instability API, a
// PerformanceObserver installed before any of the page's scripts run).
import type { Page } from 'playwright-core';

export interface LayoutShifts {
  /** Sum of every shift not caused by input: at least the page's CLS (which takes the worst session window). */
  total: number;
  /** Each shift with the elements that moved, for the failure message. */
  shifts: { value: number; sources: string[] }[];
}

/** Call before navigating. */
export async function recordLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const record: { total: number; shifts: { value: number; sources: string[] }[] } = { total: 0, shifts: [] };
    (window as unknown as { __layoutShifts: typeof record }).__layoutShifts = record;
    type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node | null }[] };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Shift[]) {
        if (entry.hadRecentInput) continue;
        record.total += entry.value;
        const describe = (node: Node | null | undefined) =>
          node instanceof Element ? `${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}${node.className ? `.${String(node.className).split(' ').join('.')}` : ''}` : String(node?.nodeName);
        record.shifts.push({ value: entry.value, sources: (entry.sources ?? []).map((source) => describe(source.node)) });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** The shifts so far, after two animation frames so the latest layout has been reported. */
export async function layoutShifts(page: Page): Promise<LayoutShifts> {
  return page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return (window as unknown as { __layoutShifts: LayoutShifts }).__layoutShifts;
  });
}
