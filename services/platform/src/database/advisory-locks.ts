// Postgres advisory locks, the one way Readmit serialises work across instances: a lock for the
// rest of a transaction (lockInTransaction) and a lock for the life of a session (leadership).
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { LeaderLock } from './leader-lock.port';

/**
 * The name of an advisory lock, hashed by Postgres to the lock's key: `readmit.<part>.<part>…`.
 * Every holder of the same name excludes the others, so names must not change between releases.
 */
export function advisoryLockName(...parts: readonly [string, ...string[]]): string {
  return ['readmit', ...parts].join('.');
}

/** The schema a connection writes to: locks on its tables are per schema. */
export function schemaOf(manager: Pick<EntityManager, 'connection'>): string {
  const { schema } = manager.connection.options as { schema?: string };
  return schema ?? 'public';
}

/**
 * Waits for the named lock and holds it until the transaction ends (commit or rollback), so
 * whoever takes it next sees what this transaction wrote.
 */
export async function lockInTransaction(
  manager: Pick<EntityManager, 'query'>,
  name: string,
): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
}

/**
 * A Postgres session advisory lock on a connection of its own. Postgres releases it when the
 * session ends, so a holder that dies (its connection closes) hands over to whichever standby
 * asks next, and no lease has to be renewed. Not a pool connection: a pool would recycle it.
 */
export class SessionAdvisoryLock implements LeaderLock {
  private client: Client | null = null;
  private held = false;
  private readonly listeners: Array<(reason: Error) => void> = [];

  constructor(
    private readonly connectionString: string,
    /** Hashed to the lock's key, e.g. `readmit.orchestrator.<topicPrefix><model>`. */
    readonly name: string,
    private readonly timeoutMs = 5_000,
    /** Names the connection in pg_stat_activity. */
    private readonly applicationName = 'readmit-orchestrator-lock',
  ) {}

  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const client = await this.connection();
    try {
      const result = await client.query<{ acquired: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS acquired',
        [this.name],
      );
      this.held = result.rows[0]?.acquired === true;
      return this.held;
    } catch (error) {
      await this.drop();
      throw error;
    }
  }

  async confirm(): Promise<void> {
    const client = this.client;
    if (!this.held || client === null) throw new Error(`the lock ${this.name} is not held`);
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.lose(client, error as Error);
      throw error;
    }
  }

  /** Ending the session releases every advisory lock it holds. */
  async release(): Promise<void> {
    this.held = false;
    await this.drop();
  }

  onLost(listener: (reason: Error) => void): void {
    this.listeners.push(listener);
  }

  private async connection(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: this.timeoutMs,
      // A standby's query or the holder's check must not hang on a dead connection.
      query_timeout: this.timeoutMs,
      keepAlive: true,
      application_name: this.applicationName,
    });
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client, new Error(`the connection of ${this.name} closed`)));
    await client.connect();
    this.client = client;
    return client;
  }

  /** The current connection failed; events of a connection already given up are old news. */
  private lose(client: Client, reason: Error): void {
    if (this.client !== client) return;
    const wasHeld = this.held;
    this.held = false;
    void this.drop();
    if (wasHeld) for (const listener of this.listeners) listener(reason);
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}
