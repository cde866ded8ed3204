import { temporalUiUrl } from '../../../api/info/info.controller.js';

describe('Temporal Web UI address for links', () => {
  it('is the configured address, else the embedded server UI, else none for an external server', () => {
    expect(temporalUiUrl({ AWO_TEMPORAL_UI_URL: 'https://temporal.example.com/', TEMPORAL_ADDRESS: 'temporal:7233', AWO_TEMPORAL_UI_PORT: 8233 })).toBe('https://temporal.example.com');
    expect(temporalUiUrl({ AWO_TEMPORAL_UI_URL: undefined, TEMPORAL_ADDRESS: undefined, AWO_TEMPORAL_UI_PORT: 9233 })).toBe('http://127.0.0.1:9233');
    expect(temporalUiUrl({ AWO_TEMPORAL_UI_URL: undefined, TEMPORAL_ADDRESS: 'temporal:7233', AWO_TEMPORAL_UI_PORT: 8233 })).toBeNull();
  });
});
