import { describe, expect, it } from 'vitest';
import { generateTotp, generateTotpSecret } from '@twofold/mfa-core';
import { classifyStatements, StatementTally } from '../src/lib/pg-stats.js';
import { createRotation } from '../src/lib/rotation.js';

describe('createRotation', () => {
  it('goes round-robin over cookies', () => {
    const rotation = createRotation({ kind: 'cookies', cookies: ['a=1', 'a=2'] });
    expect([1, 2, 3].map(() => rotation.next().headers.cookie)).toEqual(['a=1', 'a=2', 'a=1']);
  });

  it('uses each TOTP pair once with the code for the current time, then reports exhaustion', () => {
    const secret = generateTotpSecret();
    const now = 1_700_000_000_000;
    const rotation = createRotation(
      {
        kind: 'totp',
        pairs: [
          { cookie: 'c=1', secret },
          { cookie: 'c=2', secret },
        ],
      },
      () => now,
    );
    const first = rotation.next();
    expect(first.headers.cookie).toBe('c=1');
    expect(JSON.parse(first.body!)).toEqual({
      method: 'totp',
      code: generateTotp({ secret, now }),
    });
    expect(rotation.next().headers.cookie).toBe('c=2');
    expect(rotation.exhausted).toBe(false);
    rotation.next();
    expect(rotation.exhausted).toBe(true);
    expect(rotation.used).toBe(3);
  });
});

describe('classifyStatements', () => {
  it('counts transaction control apart from queries', () => {
    const counts = classifyStatements([
      { query: 'select "id" from "sessions" where "token_hash" = $1', calls: 100, totalMs: 5 },
      { query: 'begin', calls: 40 },
      { query: 'COMMIT', calls: 40 },
      { query: 'update "mfa_factors"\n  set "last_used_step" = $1', calls: 40 },
    ]);
    expect(counts.queries).toBe(140);
    expect(counts.transactionControl).toBe(80);
    expect(counts.statements[0]).toEqual({
      query: 'select "id" from "sessions" where "token_hash" = $1',
      calls: 100,
      meanMs: 0.05,
    });
    expect(counts.statements.at(-1)?.query).toBe('update "mfa_factors" set "last_used_step" = $1');
  });
});

describe('StatementTally', () => {
  it('sums runs and reports queries per request served', () => {
    const tally = new StatementTally();
    tally.add(
      classifyStatements([
        { query: 'select 1', calls: 30 },
        { query: 'begin', calls: 5 },
      ]),
      10,
    );
    tally.add(classifyStatements([{ query: 'select 2', calls: 10 }]), 10);
    expect(tally.row('q', 'queries')).toMatchObject({
      value: 2,
      note: '+0.25 begin/commit',
      details: { requestsServed: 20, queries: 40, transactionControl: 5 },
    });
    expect(tally.row('q', 'queries').details.lastRoundStatements).toEqual([
      { query: 'select 2', calls: 10, meanMs: 0 },
    ]);
  });
});
