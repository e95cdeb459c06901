import { ConfidentialClientApplication } from '@azure/msal-node';
import { readFileSync } from 'node:fs';
import { startSandbox } from './src/core/sandbox';
import { sandboxNetworkModule } from './test/integration/sandbox/msalNetwork';
(async () => {
  const sb = await startSandbox({ seed: 'smoke' });
  console.log(JSON.stringify(sb.info).slice(0, 300));
  const ca = readFileSync(sb.info.caFile, 'utf8');
  const net = sandboxNetworkModule(ca);
  const cca = new ConfidentialClientApplication({
    auth: { clientId: sb.info.clientId, clientSecret: sb.info.clientSecret, authority: sb.info.authority, knownAuthorities: [sb.info.knownAuthority] },
    system: { networkClient: net },
  });
  const r = await cca.acquireTokenByClientCredential({ scopes: [sb.info.graphScope] });
  console.log(r?.accessToken.slice(0, 40), r?.expiresOn, net.requests);
  const key = readFileSync(sb.info.certificate.privateKeyFile, 'utf8');
  const cca2 = new ConfidentialClientApplication({
    auth: { clientId: sb.info.clientId, clientCertificate: { thumbprint: sb.info.certificate.thumbprint, privateKey: key }, authority: sb.info.authority, knownAuthorities: [sb.info.knownAuthority] },
    system: { networkClient: net },
  });
  const r2 = await cca2.acquireTokenByClientCredential({ scopes: [sb.info.dataverseUrl + '/.default'] });
  console.log(JSON.parse(Buffer.from(r2!.accessToken.split('.')[1]!, 'base64url').toString()));
  console.log(sb.requestLog());
  await sb.stop();
})().catch((e) => { console.error('FAIL', e); process.exit(1); });
