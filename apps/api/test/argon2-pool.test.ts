import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hash, verify } from '@node-rs/argon2';
import { createArgon2Pool, HASH_THREAD_NICE } from '@twofold/fastify/internal';
import { ARGON2_OPTIONS } from '@twofold/fastify/internal';

/** Field 19 of /proc/<pid>/task/<tid>/stat: the thread's nice value. */
function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('argon2id worker threads', () => {
  it('hashes and verifies interchangeably with @node-rs/argon2 itself', async () => {
    const pool = createArgon2Pool({ size: 1 });
    const pooled = await pool.hash('correct horse battery', ARGON2_OPTIONS);
    expect(pooled).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verify(pooled, 'correct horse battery')).toBe(true);

    const direct = await hash('correct horse battery', ARGON2_OPTIONS);
    expect(await pool.verify(direct, 'correct horse battery')).toBe(true);
    expect(await pool.verify(direct, 'wrong horse battery')).toBe(false);
    await expect(pool.verify('not a hash', 'x')).rejects.toThrow();
    // The pool still works after a refused job.
    expect(await pool.verify(pooled, 'correct horse battery')).toBe(true);
  });

  it('runs at most `size` threads, and queues the rest', async () => {
    const pool = createArgon2Pool({ size: 2 });
    const hashes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pool.hash(`password number ${i}`, ARGON2_OPTIONS)),
    );
    expect(pool.threads).toBe(2);
    expect(new Set(hashes).size).toBe(6);
    const checks = await Promise.all(
      hashes.map((stored, i) => pool.verify(stored, `password number ${i}`)),
    );
    expect(checks).toEqual([true, true, true, true, true, true]);
  });

  it('hashes on threads below the priority of the thread that asked', async () => {
    const own = niceOf('/proc/thread-self/stat');
    const before = new Set(readdirSync('/proc/self/task'));
    const pool = createArgon2Pool({ size: 1 });
    await pool.hash('correct horse battery', ARGON2_OPTIONS);
    const added = readdirSync('/proc/self/task').filter((tid) => !before.has(tid));
    const nices = added.flatMap((tid) => {
      try {
        return [niceOf(`/proc/self/task/${tid}/stat`)];
      } catch {
        return []; // a thread that ended meanwhile
      }
    });
    expect(nices).toContain(Math.min(19, own + HASH_THREAD_NICE));
  });
});
