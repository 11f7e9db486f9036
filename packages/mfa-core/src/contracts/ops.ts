import { Type, type Static } from 'typebox';

/** Contracts of /api/health (liveness) and /api/ready (readiness, for load balancers). */

export const HealthResponse = Type.Object(
  { status: Type.Literal('ok') },
  { title: 'HealthResponse' },
);
export type HealthResponse = Static<typeof HealthResponse>;

const CheckResult = Type.Union([Type.Literal('ok'), Type.Literal('error')]);

export const ReadyResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
    checks: Type.Object({ database: CheckResult }),
  },
  { title: 'ReadyResponse' },
);
export type ReadyResponse = Static<typeof ReadyResponse>;
