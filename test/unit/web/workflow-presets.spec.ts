import { workflowTypePresets as serverPresets } from '../../../src/models/work-order.js';
import { workflowPresets } from '../../../web/src/workflow-presets.js';

describe('web UI workflow presets', () => {
  it('are the server presets (the UI keeps a copy to stay out of zod in the bundle)', () => {
    expect(workflowPresets).toEqual(serverPresets);
  });
});
