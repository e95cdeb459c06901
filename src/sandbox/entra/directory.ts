// The sandbox's Entra directory: the practice's tenant with its app (secret + certificate), an app in
// the same tenant whose only secret has expired, and a second tenant ("Fabrikam") with an app of its
// own, for wrong-tenant tests. Derived from the practice so the same seed gives the same directory.

import { X509Certificate, type KeyObject } from 'node:crypto';
import { thumbprintsOf } from '../certs';
import { createPrng } from '../prng';
import type { PracticeSeed } from '../types';

export interface EntraTenant {
  tenantId: string;
  displayName: string;
  /** Verified domains; Entra accepts them in place of the GUID in authority URLs. */
  domains: string[];
}

export interface EntraSecret {
  value: string;
  expiresAt: number; // epoch ms
}

export interface EntraCertificate {
  thumbprint: string; // SHA-1 hex, upper case
  thumbprintSha256: string;
  publicKey: KeyObject;
}

export interface EntraApp {
  clientId: string;
  tenantId: string;
  displayName: string;
  /** The service principal's object id: the token's `oid` and `sub`. */
  servicePrincipalId: string;
  secrets: EntraSecret[];
  certificates: EntraCertificate[];
  graphRoles: string[];
}

export interface EntraDirectory {
  tenants: EntraTenant[];
  apps: EntraApp[];
}

const DAY_MS = 86_400_000;

export function buildDirectory(practice: PracticeSeed, appCertificatePem: string, now: number): EntraDirectory {
  const prng = createPrng(`entra-directory:${practice.tenantId}`);
  const otherTenantId = prng.uuid();
  const home: EntraTenant = {
    tenantId: practice.tenantId,
    displayName: practice.practiceName,
    domains: ['contosopractice.onmicrosoft.com', practice.practitioner.mail.split('@')[1] ?? 'contoso-practice.test'],
  };
  const other: EntraTenant = {
    tenantId: otherTenantId,
    displayName: 'Fabrikam Clinic',
    domains: ['fabrikamclinic.onmicrosoft.com'],
  };
  const mainApp: EntraApp = {
    clientId: practice.app.clientId,
    tenantId: practice.tenantId,
    displayName: practice.app.displayName,
    servicePrincipalId: prng.uuid(),
    secrets: [{ value: practice.app.clientSecret, expiresAt: Date.parse(practice.app.secretExpiresAt) }],
    certificates: [certificateOf(appCertificatePem)],
    graphRoles: [...practice.app.graphRoles],
  };
  const expiredApp: EntraApp = {
    clientId: prng.uuid(),
    tenantId: practice.tenantId,
    displayName: `${practice.app.displayName} (expired secret)`,
    servicePrincipalId: prng.uuid(),
    secrets: [{ value: `lcsbx~${prng.chars(34)}`, expiresAt: now - 30 * DAY_MS }],
    certificates: [],
    graphRoles: ['Mail.Send'],
  };
  const otherApp: EntraApp = {
    clientId: prng.uuid(),
    tenantId: otherTenantId,
    displayName: 'Fabrikam Scheduler',
    servicePrincipalId: prng.uuid(),
    secrets: [{ value: `lcsbx~${prng.chars(34)}`, expiresAt: now + 365 * DAY_MS }],
    certificates: [],
    graphRoles: ['Mail.Send'],
  };
  return { tenants: [home, other], apps: [mainApp, expiredApp, otherApp] };
}

export function certificateOf(certPem: string): EntraCertificate {
  return { ...thumbprintsOf(certPem), publicKey: new X509Certificate(certPem).publicKey };
}

export function findTenant(directory: EntraDirectory, tenantSegment: string): EntraTenant | undefined {
  const wanted = tenantSegment.toLowerCase();
  return directory.tenants.find((t) => t.tenantId === wanted || t.domains.includes(wanted));
}

export function findApp(directory: EntraDirectory, tenantId: string, clientId: string): EntraApp | undefined {
  return directory.apps.find((a) => a.tenantId === tenantId && a.clientId === clientId.toLowerCase());
}

/** What inspect() shows and tests use to reach the extra apps (secrets included: it is a sandbox). */
export function describeDirectory(directory: EntraDirectory): object {
  return {
    tenants: directory.tenants,
    apps: directory.apps.map((a) => ({
      clientId: a.clientId,
      tenantId: a.tenantId,
      displayName: a.displayName,
      servicePrincipalId: a.servicePrincipalId,
      secrets: a.secrets.map((s) => ({ value: s.value, expiresAt: new Date(s.expiresAt).toISOString() })),
      certificateThumbprints: a.certificates.map((c) => c.thumbprint),
      graphRoles: a.graphRoles,
    })),
  };
}
