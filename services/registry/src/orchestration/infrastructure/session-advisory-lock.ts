import { Client } from 'pg';

/** Leadership among the instances of a service: whoever holds the lock is the active one. */
export interface LeaderLock {
  /** Takes the lock if nobody holds it; true while this instance holds it. */
  tryAcquire(): Promise<boolean>;
  /** Throws unless the lock is still held (its connection answers). */
  confirm(): Promise<void>;
  /** Gives the lock up (and its connection). */
  release(): Promise<void>;
  /** Called once the lock is lost without a release: its connection failed or closed. */
  onLost(listener: (reason: Error) => void): void;
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
      application_name: 'readmit-orchestrator-lock',
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
