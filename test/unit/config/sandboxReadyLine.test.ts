// The sandbox's ready line as the product reads it (INTERFACES.md §1): what the sandbox prints passes the
// product's schema, and a line that is not a ready line fails with a typed error instead of a half-filled
// profile.
import { strict as assert } from 'node:assert';
import { parseSandboxReadyLine, sandboxProfile } from '../../../src/core/config';
import { LifeCockpitError } from '../../../src/core/errors';
import type { SandboxCertificates } from '../../../src/sandbox/certs';
import { readyInfo } from '../../../src/sandbox/readyInfo';
import { generatePractice } from '../../../src/sandbox/seed';

function printedReadyLine(): string {
  const practice = generatePractice({ seed: 'ready-line', clients: 2, now: Date.UTC(2026, 10, 25) });
  const origin = 'https://localhost:8443';
  const urls = {
    origin,
    authorityHost: origin,
    graphUrl: `${origin}/graph`,
    dataverseUrl: `${origin}/dataverse`,
    stripeUrl: `${origin}/stripe`,
  };
  const certs = {
    caFile: '/tmp/ca.pem',
    client: { thumbprint: 'ab'.repeat(20), keyFile: '/tmp/key.pem', certFile: '/tmp/cert.pem' },
  };
  return JSON.stringify(readyInfo(practice, urls, certs as unknown as SandboxCertificates));
}

describe('the sandbox ready line', () => {
  it('reads what the sandbox prints, and the sandbox profile follows from it', () => {
    const line = printedReadyLine();
    const info = parseSandboxReadyLine(line);
    const printed = JSON.parse(line) as Record<string, unknown>;
    assert.equal(info.clientSecret, printed.clientSecret);
    assert.equal(info.dataverseUrl, 'https://localhost:8443/dataverse');
    const profile = sandboxProfile(info);
    assert.deepEqual(
      [profile.kind, profile.authorityHost, profile.tenantId],
      ['sandbox', 'https://localhost:8443', printed.tenantId],
    );
  });

  it('refuses a line that is not JSON, not a ready line, or lacks a field the editor needs', () => {
    const good = JSON.parse(printedReadyLine()) as Record<string, unknown>;
    const { dataverseUrl: _dropped, ...withoutDataverse } = good;
    const bad = [
      'Listening on https://localhost:8443',
      JSON.stringify({ ...good, ready: false }),
      JSON.stringify(withoutDataverse),
      JSON.stringify({ ...good, graphUrl: 'not a url' }),
      JSON.stringify({ ...good, clientId: 42 }),
    ];
    for (const line of bad) {
      assert.throws(
        () => parseSandboxReadyLine(line),
        (e: unknown) => e instanceof LifeCockpitError && e.code === 'sandbox.readyLine',
        line,
      );
    }
  });
});
