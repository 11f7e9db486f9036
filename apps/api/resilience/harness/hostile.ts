import fc from 'fast-check';

/** The part of JSON Schema (as the OpenAPI document prints TypeBox schemas) the fuzzer reads. */
export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

/** Strings that break naive code: any code point, controls, NUL, huge, combining, injections. */
export function hostileString(...known: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }), // lone surrogates included
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(...'\u0000\u0001\u001f\u007f\u0085\u2028\n\r\t'),
      maxLength: 20,
    }),
    fc.constantFrom('a\u0000b', '\u202e\u200b\ufeff', '%00', '../..', "' OR 1=1 --", '<script>'),
    fc.constantFrom('123456', '000000', 'abcd-efgh', 'totp', 'email', 'backup_code', 'admin'),
    fc.integer({ min: 1_000, max: 60_000 }).map((n) => 'a'.repeat(n)),
    fc.integer({ min: 100, max: 10_000 }).map((n) => '🔐é\u0301'.repeat(n)),
    ...known,
  );
}

/** A value of the declared shape: types right, contents hostile. */
export function valueOf(
  schema: JsonSchema | undefined,
  strings: fc.Arbitrary<string>,
  emails: fc.Arbitrary<string>,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  const inner = (s: JsonSchema | undefined) => valueOf(s, strings, emails, depth + 1);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(inner));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.type === 'string') {
    return schema.format === 'email' ? fc.oneof(emails, strings) : strings;
  }
  if (schema.type === 'boolean') return fc.boolean();
  if (schema.type === 'integer' || schema.type === 'number') {
    return fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 1e308, 2 ** 53 + 1, 0.5));
  }
  if (schema.type === 'array') return fc.array(inner(schema.items), { maxLength: 6 });
  const properties = Object.entries(schema.properties ?? {});
  return fc.record(Object.fromEntries(properties.map(([k, s]) => [k, inner(s)])), {
    requiredKeys: [],
  });
}

/**
 * Request body text for a route declaring `schema`: mostly its own shape with hostile contents,
 * then wrong types, extra and `__proto__`/`constructor` keys, arrays where objects belong,
 * arbitrary JSON, non-JSON, and no body at all.
 */
export function jsonBody(
  schema: JsonSchema | undefined,
  strings: fc.Arbitrary<string>,
  emails: fc.Arbitrary<string>,
): fc.Arbitrary<string | undefined> {
  const keys = Object.keys(schema?.properties ?? {});
  const shaped = valueOf(schema, strings, emails);
  const json = (value: unknown) => JSON.stringify(value) ?? 'null';
  // Written by hand, so `__proto__` and duplicate keys reach the server as sent.
  const key = fc.oneof(
    fc.constantFrom(...keys, '__proto__', 'constructor', 'prototype'),
    fc.string(),
  );
  const rawObject = fc
    .array(fc.tuple(key, fc.jsonValue({ maxDepth: 3 })), { maxLength: 6 })
    .map((entries) => `{${entries.map(([k, v]) => `${json(k)}:${json(v)}`).join(',')}}`);
  const wrongTypes = fc.record(Object.fromEntries(keys.map((k) => [k, fc.jsonValue()])), {
    requiredKeys: [],
  });
  const extra = fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1, maxKeys: 4 });
  return fc.oneof(
    { weight: 4, arbitrary: shaped.map(json) },
    {
      weight: 2,
      arbitrary: fc.tuple(shaped, extra).map(([v, e]) => json({ ...e, ...(v as object) })),
    },
    { weight: 2, arbitrary: wrongTypes.map(json) },
    { weight: 2, arbitrary: rawObject },
    { weight: 1, arbitrary: shaped.map((v) => json([v])) },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** A header value fetch will send: Latin-1 without controls and DEL, trimmed. */
export const headerValue = fc
  .string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .map((c) => String.fromCharCode(c === 0x7f ? 0x7e : c)),
    maxLength: 200,
  })
  .map((s) => s.trim());
