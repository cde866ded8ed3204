import { AdvertisementParseError, parseUploadPackAdvertisement } from '../../../src/git/upload-pack-advertisement.js';

const a = '3d9d0edf2e1b5e1c4c11cfc38bd24dbffeac277d';
const b = '5336dff1eb662b7f89ff323b736ae47a845d6740';
const zero = '0'.repeat(40);
const capabilities = 'multi_ack thin-pack side-band side-band-64k ofs-delta shallow no-progress include-tag symref=HEAD:refs/heads/main object-format=sha1 agent=git/2.39.5';

/** One pkt-line: four hex digits of length (themselves included), then the payload. */
function pkt(payload: string): string {
  return (Buffer.byteLength(payload) + 4).toString(16).padStart(4, '0') + payload;
}
const flush = '0000';
const service = pkt('# service=git-upload-pack\n') + flush;
const body = (...parts: string[]) => Buffer.from(parts.join(''), 'utf8');
const parse = (...parts: string[]) => parseUploadPackAdvertisement(body(...parts));

describe('parseUploadPackAdvertisement', () => {
  it("reads git http-backend's protocol v0 answer: refs in order, peeled tags, HEAD's target", () => {
    // Byte for byte what git 2.39's http-backend answered for a repository with two branches and two tags.
    const advertisement = parse(
      service,
      pkt(`${a} HEAD\0${capabilities}\n`),
      pkt(`${a} refs/heads/feature/one\n`),
      pkt(`${a} refs/heads/main\n`),
      pkt(`${a} refs/tags/v1\n`),
      pkt(`${b} refs/tags/v2\n`),
      pkt(`${a} refs/tags/v2^{}\n`),
      flush,
    );
    expect([...advertisement.refs]).toEqual([
      ['HEAD', a],
      ['refs/heads/feature/one', a],
      ['refs/heads/main', a],
      ['refs/tags/v1', a],
      ['refs/tags/v2', b],
      ['refs/tags/v2^{}', a],
    ]);
    expect([...advertisement.symrefs]).toEqual([['HEAD', 'refs/heads/main']]);
  });

  it('reads lines without their optional LF, metadata before the first flush, version 1 and SHA-256 ids', () => {
    const sha256 = 'ab'.repeat(32);
    const advertisement = parse(
      pkt('# service=git-upload-pack'),
      pkt('some-server-metadata'),
      flush,
      pkt('version 1\n'),
      pkt(`${sha256} HEAD\0symref=HEAD:refs/heads/trunk object-format=sha256`),
      pkt(`${sha256} refs/heads/trunk`),
      flush,
    );
    expect([...advertisement.refs]).toEqual([
      ['HEAD', sha256],
      ['refs/heads/trunk', sha256],
    ]);
    expect(advertisement.symrefs.get('HEAD')).toBe('refs/heads/trunk');
  });

  it('reads lengths in upper-case hex, as git does', () => {
    const line = pkt(`${a} refs/heads/main\n`);
    expect(line.slice(0, 4)).toBe('003d');
    const advertisement = parse(service, pkt(`${a} HEAD\0${capabilities}\n`), `003D${line.slice(4)}`, flush);
    expect(advertisement.refs.get('refs/heads/main')).toBe(a);
  });

  it('reads an empty repository as no refs', () => {
    const advertisement = parse(service, pkt(`${zero} capabilities^{}\0multi_ack object-format=sha1\n`), flush);
    expect(advertisement.refs.size).toBe(0);
    expect(advertisement.symrefs.size).toBe(0);
  });

  it.each([
    ['an empty body', []],
    ['an HTML page (a dumb or a login answer)', ['<!DOCTYPE html><html><body>Sign in</body></html>']],
    ['no service line', [pkt(`${a} HEAD\0${capabilities}\n`), flush]],
    ['the service line of receive-pack', [pkt('# service=git-receive-pack\n'), flush, pkt(`${a} HEAD\0${capabilities}\n`), flush]],
    ['no final flush', [service, pkt(`${a} HEAD\0${capabilities}\n`)]],
    ['no flush after the service line', [pkt('# service=git-upload-pack\n'), pkt(`${a} HEAD\0${capabilities}\n`)]],
    ['no ref at all', [service, flush]],
    ['protocol v2', [service, pkt('version 2\n'), pkt('ls-refs=unborn\n'), flush]],
    ['an ERR line', [service, pkt('ERR access denied\n'), flush]],
    ['a length that is not hex', [service, 'zz12', flush]],
    ['a length cut short', [service, '00']],
    ['a line longer than the body', [service, `00ff${a} HEAD`]],
    ['a delimiter packet (v2 only)', [service, '0001', flush]],
    ['a length of 4 (empty line)', [service, '0004', flush]],
    ['the first ref without capabilities', [service, pkt(`${a} HEAD\n`), flush]],
    ['capabilities on a later line', [service, pkt(`${a} HEAD\0${capabilities}\n`), pkt(`${a} refs/heads/main\0x\n`), flush]],
    ['an object id that is too short', [service, pkt(`${a.slice(1)} HEAD\0${capabilities}\n`), flush]],
    ['an object id in upper case', [service, pkt(`${a.toUpperCase()} HEAD\0${capabilities}\n`), flush]],
    ['a ref name with a space', [service, pkt(`${a} HEAD\0${capabilities}\n`), pkt(`${a} refs/heads/a b\n`), flush]],
    ['a ref name with a control character', [service, pkt(`${a} HEAD\0${capabilities}\n`), pkt(`${a} refs/heads/a\tb\n`), flush]],
    ['a ref name with ..', [service, pkt(`${a} HEAD\0${capabilities}\n`), pkt(`${a} refs/heads/a..b\n`), flush]],
    ['a line without a ref name', [service, pkt(`${a} HEAD\0${capabilities}\n`), pkt(`${a}\n`), flush]],
    ['a ref advertised twice', [service, pkt(`${a} HEAD\0${capabilities}\n`), pkt(`${a} refs/heads/main\n`), pkt(`${b} refs/heads/main\n`), flush]],
    ['shallow lines', [service, pkt(`${a} HEAD\0${capabilities}\n`), pkt(`shallow ${a}\n`), flush]],
    ['data after the final flush', [service, pkt(`${a} HEAD\0${capabilities}\n`), flush, pkt(`${a} refs/heads/evil\n`)]],
    ['a malformed symref', [service, pkt(`${a} HEAD\0symref=HEAD\n`), flush]],
    ['a symref with two colons', [service, pkt(`${a} HEAD\0symref=HEAD:refs/heads/a:b\n`), flush]],
    ['capabilities^{} with an object id', [service, pkt(`${a} capabilities^{}\0${capabilities}\n`), flush]],
  ])('refuses %s', (_name, parts) => {
    expect(() => parse(...(parts as string[]))).toThrow(AdvertisementParseError);
  });
});
