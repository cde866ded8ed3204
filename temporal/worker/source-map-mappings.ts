const base64Digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One segment of a source map's `mappings`, every field absolute: generated column[, source, line, column[, name]]. */
export type MappingSegment = number[];

/** `mappings` (base64 VLQ, fields relative to the previous segment) as absolute segments, one array per line. */
export function decodeMappings(mappings: string): MappingSegment[][] {
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  return mappings.split(';').map((text) => {
    let generated = 0;
    return text
      .split(',')
      .filter(Boolean)
      .map((segmentText) => {
        const values = decodeVlq(segmentText);
        generated += values[0]!;
        if (values.length < 4) return [generated];
        source += values[1]!;
        line += values[2]!;
        column += values[3]!;
        if (values.length < 5) return [generated, source, line, column];
        name += values[4]!;
        return [generated, source, line, column, name];
      });
  });
}

/** The inverse of `decodeMappings`. */
export function encodeMappings(lines: MappingSegment[][]): string {
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  return lines
    .map((segments) => {
      let generated = 0;
      return segments
        .map((segment) => {
          const values = [segment[0]! - generated];
          generated = segment[0]!;
          if (segment.length >= 4) {
            values.push(segment[1]! - source, segment[2]! - line, segment[3]! - column);
            [source, line, column] = [segment[1]!, segment[2]!, segment[3]!];
          }
          if (segment.length >= 5) {
            values.push(segment[4]! - name);
            name = segment[4]!;
          }
          return values.map(encodeVlq).join('');
        })
        .join(',');
    })
    .join(';');
}

/**
 * Only the segments that map to a source `keep` accepts. Where a kept run ends within a generated line, a segment
 * without a source ends it, so the code after it is not taken for the kept source's.
 */
export function keepMappings(mappings: string, sources: readonly string[], keep: (source: string) => boolean): string {
  return encodeMappings(
    decodeMappings(mappings).map((segments) => {
      const kept: MappingSegment[] = [];
      let open = false;
      for (const segment of segments) {
        if (segment.length > 1 && keep(sources[segment[1]!] ?? '')) {
          kept.push(segment);
          open = true;
        } else if (open) {
          kept.push([segment[0]!]);
          open = false;
        }
      }
      return kept;
    }),
  );
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const character of text) {
    const digit = base64Digits.indexOf(character);
    if (digit < 0) throw new Error(`not a base64 VLQ digit in a source map: ${character}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

function encodeVlq(value: number): string {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let text = '';
  do {
    let digit = rest % 32;
    rest = Math.floor(rest / 32);
    if (rest > 0) digit += 32;
    text += base64Digits[digit];
  } while (rest > 0);
  return text;
}
