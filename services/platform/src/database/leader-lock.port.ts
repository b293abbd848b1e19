/**
 * Leadership among the instances of a service: whoever holds the lock is the active one.
 * A port of its own, so application code depends on it without loading a database driver.
 */
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
