import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './infra-error';
import { runCommand, which } from './process-control';

/** The java executable (JAVA_HOME first, then PATH), checked to be Java 17 or newer. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const candidate = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : which('java');
  if (!candidate || !existsSync(candidate)) {
    throw new InfraError(
      'Java 17 or newer is required for Kafka and the schema registry, but no `java` was found: install a JDK (e.g. `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME',
    );
  }
  const output = spawnSync(candidate, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${output.stderr}${output.stdout}`);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : 0;
  if (major < 17) {
    throw new InfraError(
      `Java 17 or newer is required, but ${candidate} is Java ${major || 'of unknown version'}: set JAVA_HOME to a newer JDK`,
    );
  }
  return candidate;
}

export function findMaven(): string {
  const mvn = which('mvn');
  if (!mvn) {
    throw new InfraError(
      'Maven (`mvn`) is required to fetch the Kafka and schema registry jars from Maven Central: install it (e.g. `apt-get install maven`)',
    );
  }
  return mvn;
}

export function findPython(): string {
  const python = which('python3');
  if (!python) {
    throw new InfraError(
      'python3 is required for the local S3 server (moto): install it (e.g. `apt-get install python3 python3-venv`)',
    );
  }
  return python;
}

/** The folder holding Debian's PostgreSQL server binaries (initdb, pg_ctl, postgres). */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((entry) => /^\d+$/.test(entry) && existsSync(join(root, entry, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(root, versions[0], 'bin');
  }
  const initdb = which('initdb');
  return initdb ? join(initdb, '..') : undefined;
}

/**
 * Installs Debian's postgresql package when the server is missing and we may (root with apt-get);
 * otherwise says exactly what to install.
 */
export function ensurePostgresInstalled(log: (line: string) => void): string {
  return ensureDebianPackage({
    component: 'postgres',
    debianPackage: 'postgresql',
    find: findPostgresBin,
    missing: 'PostgreSQL server binaries (initdb, pg_ctl)',
    log,
  });
}

/** Debian's Prometheus server binary (`prometheus` package, 2.42 on bookworm). */
export function findPrometheus(): string | undefined {
  return which('prometheus');
}

export function ensurePrometheusInstalled(log: (line: string) => void): string {
  return ensureDebianPackage({
    component: 'prometheus',
    debianPackage: 'prometheus',
    find: findPrometheus,
    missing: 'The Prometheus server binary',
    log,
  });
}

/** Debian's Chromium, which the web console's end-to-end tests drive (playwright-core). */
export function findChromium(): string | undefined {
  return which('chromium');
}

export function ensureChromiumInstalled(log: (line: string) => void): string {
  return ensureDebianPackage({
    component: 'chromium',
    debianPackage: 'chromium',
    find: findChromium,
    missing: 'Chromium (for the web console tests)',
    log,
  });
}

/**
 * Installs a Debian package when what it provides is missing and we may (root with apt-get);
 * otherwise says exactly what to install. Returns what `find` finds once installed.
 */
function ensureDebianPackage(spec: {
  component: string;
  debianPackage: string;
  find: () => string | undefined;
  missing: string;
  log: (line: string) => void;
}): string {
  const existing = spec.find();
  if (existing) return existing;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new InfraError(
      `${spec.missing} was not found: install Debian's package with \`sudo apt-get install ${spec.debianPackage}\``,
    );
  }
  spec.log(
    `${spec.component}: installing Debian's ${spec.debianPackage} package (first run only)…`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runCommand('apt-get', ['update', '-q'], { env, description: 'apt-get update' });
  runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', spec.debianPackage], {
    env,
    description: `apt-get install ${spec.debianPackage}`,
  });
  const installed = spec.find();
  if (!installed)
    throw new InfraError(
      `apt-get installed ${spec.debianPackage}, but ${spec.missing} is still missing`,
    );
  return installed;
}
