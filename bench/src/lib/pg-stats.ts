import type postgres from 'postgres';

/** Transaction control: round trips, but no work of their own. */
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release|start\s+transaction)\b/i;

export interface StatementCounts {
  /** Executions of statements that read or write (everything but transaction control). */
  queries: number;
  /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT... */
  transactionControl: number;
  /**
   * The statements behind the counts, most executed first (normalised text, no values), with
   * the server time each took on average (planning and execution, milliseconds).
   */
  statements: { query: string; calls: number; meanMs: number }[];
}

export function classifyStatements(
  rows: readonly { query: string; calls: number; totalMs?: number }[],
): StatementCounts {
  let queries = 0;
  let transactionControl = 0;
  for (const row of rows) {
    if (TRANSACTION_CONTROL.test(row.query)) transactionControl += row.calls;
    else queries += row.calls;
  }
  const statements = [...rows]
    .sort((a, b) => b.calls - a.calls)
    .map((row) => ({
      query: row.query.replace(/\s+/g, ' ').trim().slice(0, 240),
      calls: row.calls,
      meanMs: row.calls > 0 ? Number(((row.totalMs ?? 0) / row.calls).toFixed(4)) : 0,
    }));
  return { queries, transactionControl, statements };
}

/** pg_stat_statements, through a connection to the cluster's `postgres` database. */
export function statementStats(admin: postgres.Sql, database: string) {
  return {
    async reset() {
      await admin`select pg_stat_statements_reset()`;
    },
    /** Executions in `database` since the last reset, the bench's own statistics queries left out. */
    async read(): Promise<StatementCounts> {
      const rows = await admin<{ query: string; calls: string; total_ms: string }[]>`
        select s.query, s.calls::text as calls,
          (s.total_exec_time + s.total_plan_time)::text as total_ms
        from pg_stat_statements s
        join pg_database d on d.oid = s.dbid
        where d.datname = ${database} and s.query not ilike '%pg_stat_statements%'`;
      return classifyStatements(
        rows.map((row) => ({
          query: row.query,
          calls: Number(row.calls),
          totalMs: Number(row.total_ms),
        })),
      );
    },
  };
}

/** The statements of several measured runs of one server, summed. */
export class StatementTally {
  queries = 0;
  transactionControl = 0;
  /** Requests written in those runs (each one served, answered or not). */
  sent = 0;
  /** The last run's statements, for the report's details. */
  last: StatementCounts | undefined;

  add(statements: StatementCounts, sent: number) {
    this.queries += statements.queries;
    this.transactionControl += statements.transactionControl;
    this.sent += sent;
    this.last = statements;
  }

  /** Requests served, at least 1 so a run that served none divides safely. */
  private get served(): number {
    return Math.max(this.sent, 1);
  }

  /** Queries per request served. */
  get perRequest(): number {
    return this.queries / this.served;
  }

  /** Queries per request served, as a report row (BEGIN/COMMIT shown beside them). */
  row(id: string, label: string) {
    const { served } = this;
    return {
      id,
      label,
      value: this.perRequest,
      unit: 'queries',
      note: `+${(this.transactionControl / served).toFixed(2)} begin/commit`,
      details: {
        requestsServed: served,
        queries: this.queries,
        transactionControl: this.transactionControl,
        lastRoundStatements: this.last?.statements,
      },
    };
  }
}
