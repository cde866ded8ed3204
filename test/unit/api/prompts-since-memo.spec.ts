import { PromptsSinceMemo } from '../../../api/work-orders/prompts-since-memo.js';

describe('PromptsSinceMemo', () => {
  const at = (iso: string) => Date.parse(iso);
  let clock = at('2026-11-30T10:00:05.000Z');
  const tracker = () => new PromptsSinceMemo(() => clock);
  beforeEach(() => (clock = at('2026-11-30T10:00:05.000Z')));

  it('trusts the memo of a work order nobody prompted through this API', () => {
    expect(tracker().mayLackPrompt('wo-00000001', '2026-11-30T09:00:00.000Z')).toBe(false);
  });

  it('distrusts a memo written before the prompt, and trusts the first one written after it from then on', () => {
    const prompts = tracker();
    prompts.noteSent('wo-00000001');
    expect(prompts.mayLackPrompt('wo-00000001', '2026-11-30T10:00:04.000Z')).toBe(true);
    expect(prompts.mayLackPrompt('wo-00000001', '2026-11-30T10:00:05.000Z')).toBe(true);
    expect(prompts.mayLackPrompt('wo-00000002', '2026-11-30T10:00:04.000Z')).toBe(false);
    expect(prompts.mayLackPrompt('wo-00000001', '2026-11-30T10:00:05.001Z')).toBe(false);
    expect(prompts.mayLackPrompt('wo-00000001', '2026-11-30T10:00:04.000Z')).toBe(false);
  });

  it('goes by the latest prompt when a work order is prompted again', () => {
    const prompts = tracker();
    prompts.noteSent('wo-00000001');
    clock = at('2026-11-30T10:00:09.000Z');
    prompts.noteSent('wo-00000001');
    expect(prompts.mayLackPrompt('wo-00000001', '2026-11-30T10:00:07.000Z')).toBe(true);
  });

  it('forgets an ended work order', () => {
    const prompts = tracker();
    prompts.noteSent('wo-00000001');
    prompts.forget('wo-00000001');
    expect(prompts.mayLackPrompt('wo-00000001', '2026-11-30T10:00:04.000Z')).toBe(false);
  });
});
