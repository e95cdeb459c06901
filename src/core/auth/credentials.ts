// What an app signs in with: a client secret, or a certificate (PEM with private key and certificate,
// thumbprints computed here), or the user's own account (device code: nothing stored), plus the Dataverse connection-string form people paste from docs.
import { createHash, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import { ValidationError } from '../errors';

export type Credential =
  | { kind: 'secret'; clientSecret: string; expiresOn?: Date }
  | {
      kind: 'certificate';
      privateKeyPem: string;
      thumbprintSha256: string;
      thumbprintSha1: string;
      x5c?: string;
      expiresOn?: Date;
    }
  /** The practitioner's own Microsoft account, signed in with a device code; msal's cache holds the rest. */
  | { kind: 'user'; expiresOn?: undefined };

/** Loads a PEM file holding the private key and its certificate (as Azure's tooling exports them). */
export function loadCertificateCredential(file: string): Credential {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ValidationError(`Cannot read the certificate file ${file}: ${(error as Error).message}`, {
      code: 'auth.certificateUnreadable',
      cause: error,
    });
  }
  return certificateCredentialFromPem(text, file);
}

export function certificateCredentialFromPem(text: string, origin = 'the certificate'): Credential {
  const key =
    /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(
      text,
    )?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  if (!key)
    throw new ValidationError(`${origin} holds no PEM private key (-----BEGIN PRIVATE KEY-----).`, {
      code: 'auth.certificateNoKey',
    });
  if (!cert)
    throw new ValidationError(`${origin} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`, {
      code: 'auth.certificateNoCert',
    });
  const x509 = new X509Certificate(cert);
  const der = x509.raw;
  return {
    kind: 'certificate',
    privateKeyPem: key,
    thumbprintSha256: createHash('sha256').update(der).digest('hex'),
    thumbprintSha1: createHash('sha1').update(der).digest('hex'),
    x5c: cert,
    expiresOn: new Date(x509.validTo),
  };
}

export interface ConnectionString {
  url: string;
  clientId: string;
  tenantId?: string;
  credential:
    { kind: 'secret'; clientSecret: string } | { kind: 'certificate'; thumbprint?: string; certificateFile?: string };
}

/**
 * Parses Dataverse connection strings: `AuthType=ClientSecret;Url=…;ClientId=…;ClientSecret=…` and
 * `AuthType=Certificate;Url=…;ClientId=…;Thumbprint=…` (keys case-insensitive, values may be quoted,
 * AppId is accepted for ClientId as the SDK does).
 */
export function parseConnectionString(text: string): ConnectionString {
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const key = part.slice(0, index).trim().toLowerCase();
    const value = part
      .slice(index + 1)
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
    if (key) fields.set(key, value);
  }
  const authType = (fields.get('authtype') ?? '').toLowerCase();
  const url = fields.get('url') ?? fields.get('serviceuri');
  const clientId = fields.get('clientid') ?? fields.get('appid');
  if (!url || !/^https:\/\//i.test(url))
    throw new ValidationError('The connection string needs Url=https://<org>.crm.dynamics.com.', {
      code: 'auth.connectionString.url',
    });
  if (!clientId)
    throw new ValidationError('The connection string needs ClientId=<application id>.', {
      code: 'auth.connectionString.clientId',
    });
  const base = { url: url.replace(/\/+$/, ''), clientId, tenantId: fields.get('tenantid') };
  if (authType === 'clientsecret') {
    const clientSecret = fields.get('clientsecret') ?? fields.get('secret');
    if (!clientSecret)
      throw new ValidationError('The connection string needs ClientSecret=… for AuthType=ClientSecret.', {
        code: 'auth.connectionString.secret',
      });
    return { ...base, credential: { kind: 'secret', clientSecret } };
  }
  if (authType === 'certificate') {
    return {
      ...base,
      credential: {
        kind: 'certificate',
        thumbprint: fields.get('thumbprint'),
        certificateFile: fields.get('certificatepath') ?? fields.get('certificatefile'),
      },
    };
  }
  throw new ValidationError(
    `AuthType=${fields.get('authtype') ?? '(missing)'} is not supported: use ClientSecret or Certificate.`,
    { code: 'auth.connectionString.authType' },
  );
}
