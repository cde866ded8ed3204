/** What a smart-HTTP `info/refs?service=git-upload-pack` answer (protocol v0 or v1) advertises. */
export interface UploadPackAdvertisement {
  /** Ref name -> object id, in the order advertised; peeled tags (`refs/tags/x^{}`) included, as `ls-remote` lists them. */
  refs: Map<string, string>;
  /** Symbolic refs from the `symref=` capabilities, e.g. HEAD -> refs/heads/main. */
  symrefs: Map<string, string>;
}

/** The answer is not a ref advertisement this parser reads for certain; the caller asks git instead. */
export class AdvertisementParseError extends Error {
  override name = 'AdvertisementParseError';
}

const objectId = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const zeroId = /^0+$/;
// pkt-line: four hex digits of length (the four included), at most 65520 bytes per line.
const maxPktLength = 65520;

/**
 * Reads the whole answer strictly (gitprotocol-http, gitprotocol-pack): the `# service=git-upload-pack` line and the
 * flush after it, an optional `version 1`, then `<oid> SP <name>` lines (the first with NUL and the capabilities), a
 * flush, and nothing after it. Anything else (protocol v2, an ERR line, shallow lines, a short body) throws.
 */
export function parseUploadPackAdvertisement(body: Uint8Array): UploadPackAdvertisement {
  const lines = pktLines(body);
  let index = 0;
  const next = (): string | null => {
    if (index >= lines.length) throw new AdvertisementParseError('the advertisement ends before its final flush');
    return lines[index++]!;
  };

  if (next() !== '# service=git-upload-pack') throw new AdvertisementParseError('the answer does not start with the upload-pack service line');
  // Servers may add metadata lines up to a flush (git's remote-curl skips them too).
  while (next() !== null);

  const refs = new Map<string, string>();
  const symrefs = new Map<string, string>();
  let line = next();
  if (line === 'version 1') line = next();
  if (line !== null && line.startsWith('version ')) throw new AdvertisementParseError(`unsupported protocol ${line}`);
  if (line === null) throw new AdvertisementParseError('the advertisement lists no ref, not even capabilities^{}');

  for (let first = true; line !== null; line = next(), first = false) {
    let refPart = line;
    if (first) {
      const nul = line.indexOf('\0');
      if (nul === -1) throw new AdvertisementParseError('the first ref line carries no capabilities');
      refPart = line.slice(0, nul);
      for (const capability of line.slice(nul + 1).split(' ')) {
        if (!capability.startsWith('symref=')) continue;
        const [from, to, ...rest] = capability.slice('symref='.length).split(':');
        if (!from || !to || rest.length > 0) throw new AdvertisementParseError(`malformed capability ${capability}`);
        symrefs.set(from, to);
      }
    } else if (line.includes('\0')) {
      throw new AdvertisementParseError('capabilities on a ref line other than the first');
    }
    const [id, name, ...rest] = refPart.split(' ');
    if (id === undefined || !objectId.test(id)) throw new AdvertisementParseError('a ref line does not start with an object id');
    if (!name || rest.length > 0 || !validRefName(name)) throw new AdvertisementParseError('a ref line does not name one ref');
    if (first && name === 'capabilities^{}') {
      // An empty repository: no refs, only the capabilities.
      if (!zeroId.test(id)) throw new AdvertisementParseError('capabilities^{} with an object id');
      continue;
    }
    if (refs.has(name)) throw new AdvertisementParseError(`ref ${name} advertised twice`);
    refs.set(name, id);
  }
  if (index !== lines.length) throw new AdvertisementParseError('data after the advertisement');
  return { refs, symrefs };
}

/** The body as pkt-lines: text without its one optional trailing LF, null for a flush. */
export function pktLines(body: Uint8Array): Array<string | null> {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const lines: Array<string | null> = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw new AdvertisementParseError('a pkt-line length is cut short');
    const hex = bytes.toString('latin1', offset, offset + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new AdvertisementParseError('a pkt-line does not start with four hex digits');
    const length = Number.parseInt(hex, 16);
    if (length === 0) {
      lines.push(null);
      offset += 4;
      continue;
    }
    // 0001 and 0002 (delimiter, response end) belong to protocol v2; 0003 and 0004 are never valid.
    if (length <= 4 || length > maxPktLength) throw new AdvertisementParseError(`pkt-line length ${hex} is not valid here`);
    if (offset + length > bytes.length) throw new AdvertisementParseError('a pkt-line is longer than the answer');
    const payload = bytes.toString('utf8', offset + 4, offset + length);
    if (payload.startsWith('ERR ')) throw new AdvertisementParseError('the server answered with an error line');
    lines.push(payload.endsWith('\n') ? payload.slice(0, -1) : payload);
    offset += length;
  }
  return lines;
}

/** Enough of git-check-ref-format to keep anything odd (control characters, spaces, `..`) out of the result. */
function validRefName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name !== '' && !/[\x00-\x20\x7f~:?*[\\]/.test(name.replace(/\^\{\}$/, '')) && !name.includes('..') && !name.startsWith('/') && !name.endsWith('/');
}
