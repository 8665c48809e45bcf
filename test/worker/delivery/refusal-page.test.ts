import { describe, expect, it } from 'vitest';
import { REFUSAL_PAGE_STYLE_SOURCE, refusalPage } from '../../../worker/delivery/refusal-page';
import { inlineStyleSources } from '../support/html';

describe('refusalPage', () => {
  it('has one inline style, the one REFUSAL_PAGE_STYLE_SOURCE (its CSP hash) allows', async () => {
    expect(await inlineStyleSources(refusalPage('this download link has expired', 'dl_test_code1234'))).toEqual([REFUSAL_PAGE_STYLE_SOURCE]);
  });
});
