// Makes the sandbox's certificates at start: a throwaway CA, the HTTPS server's certificate for
// localhost and 127.0.0.1 signed by it (clients trust the CA through NODE_EXTRA_CA_CERTS or a `ca`
// option), the app's client-assertion certificate (what msal-node's `clientCertificate` signs with), and
// Entra's token-signing key. Nothing is reused between runs: the files live in a fresh temp directory.

import { X509Certificate, createHash, generateKeyPair } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generate } from 'selfsigned';

export interface PemPair {
  key: string;
  cert: string;
}

export interface SandboxCertificates {
  dir: string;
  ca: PemPair;
  caFile: string;
  server: PemPair;
  /** The app's certificate for client assertions (private_key_jwt). */
  client: PemPair & {
    keyFile: string;
    certFile: string;
    /** SHA-1 of the DER, hex: msal-node's deprecated `thumbprint` (x5t header). */
    thumbprint: string;
    /** SHA-256 of the DER, hex: msal-node's `thumbprintSha256` (x5t#S256 header). */
    thumbprintSha256: string;
  };
  /** Entra's token-signing key; its certificate goes into the JWKS as x5c. */
  signing: PemPair & { kid: string };
  /** Deletes the temp directory. */
  remove(): Promise<void>;
}

const generateRsaKeyPair = promisify(generateKeyPair);

export async function createSandboxCertificates(): Promise<SandboxCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'lc-sandbox-'));
  try {
    return await certificatesIn(dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function certificatesIn(dir: string): Promise<SandboxCertificates> {
  const year = {
    notBeforeDate: new Date(Date.now() - 3_600_000),
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
  };
  const caResult = await generate([{ name: 'commonName', value: 'Life Cockpit Sandbox CA' }], {
    ...year,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const ca = { key: caResult.private, cert: caResult.cert };
  const [server, client, signing] = await Promise.all([
    serverCertificate(ca, year),
    selfSignedFor('Life Cockpit sandbox app', year),
    selfSignedFor('Life Cockpit sandbox token signing', year),
  ]);
  const caFile = join(dir, 'sandbox-ca.pem');
  const keyFile = join(dir, 'app-key.pem');
  const certFile = join(dir, 'app-cert.pem');
  await Promise.all([
    writeFile(caFile, ca.cert, { mode: 0o644 }),
    writeFile(keyFile, client.key, { mode: 0o600 }),
    writeFile(certFile, client.cert, { mode: 0o644 }),
  ]);
  return {
    dir,
    ca,
    caFile,
    server,
    client: { ...client, keyFile, certFile, ...thumbprintsOf(client.cert) },
    // Entra's kid is the base64url SHA-1 thumbprint of the signing certificate (same as its x5t).
    signing: { ...signing, kid: Buffer.from(thumbprintsOf(signing.cert).thumbprint, 'hex').toString('base64url') },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export function thumbprintsOf(certPem: string): { thumbprint: string; thumbprintSha256: string } {
  const der = new X509Certificate(certPem).raw;
  return {
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
  };
}

type Validity = { notBeforeDate: Date; notAfterDate: Date };

async function serverCertificate(ca: PemPair, validity: Validity): Promise<PemPair> {
  const result = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...validity,
    keySize: 2048,
    algorithm: 'sha256',
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: result.private, cert: result.cert };
}

async function selfSignedFor(commonName: string, validity: Validity): Promise<PemPair> {
  // Node makes the RSA key (faster than the pure-JS path); selfsigned only wraps it in a certificate.
  const keys = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const result = await generate([{ name: 'commonName', value: commonName }], {
    ...validity,
    algorithm: 'sha256',
    keyPair: { privateKey: keys.privateKey, publicKey: keys.publicKey },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
    ],
  });
  return { key: result.private, cert: result.cert };
}
