import { decodeMappings, encodeMappings, keepMappings } from '../../../temporal/worker/source-map-mappings.js';

describe('source map mappings', () => {
  // From a real bundle: relative fields, a multi-digit value (gB = 16 +...), negative deltas and empty lines.
  const mappings = 'AAAA,SAASA,IAAIC;;AACA,gBAAgB,EAAE;AACnB,CAAC';

  it('decodes the relative base64 VLQ fields to absolute ones', () => {
    expect(decodeMappings('AAAA,SAASA,IAAIC;;AACA')).toEqual([[[0, 0, 0, 0], [9, 0, 0, 9, 0], [13, 0, 0, 13, 1]], [], [[0, 0, 1, 13]]]);
  });

  it('encodes what it decodes back to the same text', () => {
    expect(encodeMappings(decodeMappings(mappings))).toBe(mappings);
  });

  it('keeps only the segments of the sources asked for', () => {
    const lines = [[[0, 0, 0, 0], [5, 1, 0, 0], [9, 0, 1, 0]], [[0, 1, 2, 0]], [[3, 0, 2, 1]]];

    const kept = decodeMappings(keepMappings(encodeMappings(lines), ['own.ts', 'lib.js'], (source) => source === 'own.ts'));

    expect(kept).toEqual([[[0, 0, 0, 0], [5], [9, 0, 1, 0]], [], [[3, 0, 2, 1]]]);
  });
});
