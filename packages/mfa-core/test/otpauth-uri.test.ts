import { describe, expect, it } from 'vitest';
import { buildOtpauthUri, generateTotpSecret } from '../src/index.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function parse(uri: string) {
  const url = new URL(uri);
  const label = decodeURIComponent(url.pathname.slice(1));
  // The issuer prefix ends at the first *unencoded* colon; anything after belongs to the account.
  const [issuerPart = '', ...rest] = url.pathname.slice(1).split(':');
  return {
    protocol: url.protocol,
    type: url.host,
    label,
    labelIssuer: decodeURIComponent(issuerPart),
    account: decodeURIComponent(rest.join(':')),
    labelColons: rest.length,
    params: url.searchParams,
  };
}

describe('buildOtpauthUri', () => {
  it('follows the Key Uri Format with every parameter spelled out', () => {
    const uri = buildOtpauthUri({
      secret: SECRET,
      issuer: 'Twofold',
      accountName: 'ada@example.com',
    });
    expect(uri).toBe(
      `otpauth://totp/Twofold:ada%40example.com?secret=${SECRET}&issuer=Twofold&algorithm=SHA1&digits=6&period=30`,
    );
    const parsed = parse(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.type).toBe('totp');
    expect(parsed.labelIssuer).toBe('Twofold');
    expect(parsed.account).toBe('ada@example.com');
    expect(parsed.params.get('secret')).toBe(SECRET);
    expect(parsed.params.get('issuer')).toBe('Twofold');
    expect(parsed.params.get('algorithm')).toBe('SHA1');
    expect(parsed.params.get('digits')).toBe('6');
    expect(parsed.params.get('period')).toBe('30');
  });

  it('encodes spaces, unicode and colons so the label stays unambiguous', () => {
    const issuer = 'Acme Café & Co';
    const accountName = 'Zoë Ångström: admin@exämple.com';
    const uri = buildOtpauthUri({ secret: SECRET, issuer, accountName });
    const parsed = parse(uri);

    expect(uri).not.toContain(' ');
    expect(uri).not.toContain('+');
    expect(parsed.labelColons).toBe(1);
    expect(parsed.labelIssuer).toBe(issuer);
    expect(parsed.account).toBe(accountName);
    expect(parsed.label).toBe(`${issuer}:${accountName}`);
    expect(parsed.params.get('issuer')).toBe(issuer);
    expect(parsed.params.get('secret')).toBe(SECRET);
  });

  it('writes spaces as %20, not "+"', () => {
    const uri = buildOtpauthUri({ secret: SECRET, issuer: 'My App', accountName: 'a b' });
    expect(uri).toContain('otpauth://totp/My%20App:a%20b?');
    expect(uri).toContain('&issuer=My%20App&');
  });

  it('carries non-default parameters', () => {
    const uri = buildOtpauthUri({
      secret: SECRET,
      issuer: 'Twofold',
      accountName: 'ada',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
    });
    const { params } = parse(uri);
    expect(params.get('algorithm')).toBe('SHA256');
    expect(params.get('digits')).toBe('8');
    expect(params.get('period')).toBe('60');
  });

  it('normalises a grouped, lower-case secret', () => {
    const secret = generateTotpSecret();
    const grouped = secret.toLowerCase().replace(/(.{4})/g, '$1 ');
    expect(
      parse(buildOtpauthUri({ secret: grouped, issuer: 'T', accountName: 'a' })).params.get(
        'secret',
      ),
    ).toBe(secret);
  });

  it.each([
    { secret: SECRET, issuer: '', accountName: 'a' },
    { secret: SECRET, issuer: 'Acme:Prod', accountName: 'a' },
    { secret: SECRET, issuer: 'Acme', accountName: ' ' },
    { secret: 'not base32!', issuer: 'Acme', accountName: 'a' },
    { secret: SECRET, issuer: 'Acme', accountName: 'a', digits: 5 as 6 },
    { secret: SECRET, issuer: 'Acme', accountName: 'a', algorithm: 'MD5' as 'SHA1' },
  ])('refuses bad options %j', (options) => {
    expect(() => buildOtpauthUri(options)).toThrow(RangeError);
  });
});
