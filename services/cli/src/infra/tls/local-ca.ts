import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../process-control';

/** A local certificate authority and a server certificate it signed, as PEM files. */
export interface LocalCertificates {
  /** The CA's certificate: what clients trust (READMIT_KAFKA_TLS_CA_FILE). */
  readonly caFile: string;
  /** The server's PKCS#8 private key followed by its certificate: a PEM keystore for Kafka. */
  readonly keystoreFile: string;
}

/**
 * A CA of this machine's own and a certificate for `localhost` (and 127.0.0.1) it signed, made
 * with openssl in `folder` on first use and kept: for a local TLS listener only. The CA's key
 * never leaves the folder (owner-only files).
 */
export function ensureLocalCertificates(folder: string): LocalCertificates {
  const caFile = join(folder, 'ca.pem');
  const keystoreFile = join(folder, 'localhost-keystore.pem');
  if (existsSync(caFile) && existsSync(keystoreFile)) return { caFile, keystoreFile };
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = (name: string) => join(folder, name);
  const openssl = (args: string[], description: string) =>
    runCommand('openssl', args, { description: `${description} (openssl)` });
  openssl(
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
      '-subj', '/CN=Readmit local CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', file('ca.key'), '-out', caFile,
    ],
    'making the local CA',
  ); // prettier-ignore
  openssl(
    [
      'req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=localhost',
      '-keyout', file('localhost.key'), '-out', file('localhost.csr'),
    ],
    'making the server key',
  ); // prettier-ignore
  writeFileSync(
    file('localhost.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  openssl(
    [
      'x509', '-req', '-sha256', '-days', '825', '-in', file('localhost.csr'),
      '-CA', caFile, '-CAkey', file('ca.key'), '-CAcreateserial',
      '-extfile', file('localhost.ext'), '-out', file('localhost.pem'),
    ],
    'signing the server certificate',
  ); // prettier-ignore
  // Kafka's PEM keystore: the unencrypted PKCS#8 key, then the certificate chain.
  writeFileSync(
    keystoreFile,
    readFileSync(file('localhost.key'), 'utf8') + readFileSync(file('localhost.pem'), 'utf8'),
    { mode: 0o600 },
  );
  return { caFile, keystoreFile };
}
