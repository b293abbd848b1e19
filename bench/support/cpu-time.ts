import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux only; null
 * elsewhere or when the process is gone): to tell where a run's CPU went on a shared machine.
 */
export function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The local Kafka broker's pid, from `./readmit infra up`'s run folder. */
export function localBrokerPid(projectRoot: string): number | undefined {
  try {
    return Number(readFileSync(join(projectRoot, '.readmit', 'run', 'kafka.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** CPU seconds of several processes between two moments. */
export class CpuMeter {
  private readonly start: Map<string, number | null>;

  constructor(private readonly pids: Readonly<Record<string, number | undefined>>) {
    this.start = new Map(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  }

  /** "name 1.23 s, other 0.45 s" since construction (processes that cannot be read are left out). */
  report(): string {
    return Object.entries(this.pids)
      .flatMap(([name, pid]) => {
        const before = this.start.get(name);
        const now = cpuSecondsOf(pid);
        return before === null || before === undefined || now === null
          ? []
          : [`${name} ${(now - before).toFixed(2)} s`];
      })
      .join(', ');
  }
}
