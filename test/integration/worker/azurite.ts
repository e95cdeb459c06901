// Azurite's queue service (the Azure Storage emulator, its npm package) as a child process on an ephemeral
// port, in memory: started by a test, stopped by it, its port read from the line it prints once listening.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft: not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  queueUrl: string;
  /** The AzureWebJobsStorage connection string that reaches it. */
  connectionString: string;
  stop(): Promise<void>;
}

export async function startAzuriteQueue(): Promise<RunningAzurite> {
  const main = path.join(require.resolve('azurite/package.json'), '..', 'dist', 'src', 'queue', 'main.js');
  const child = spawn(
    process.execPath,
    [main, '--queueHost', '127.0.0.1', '--queuePort', '0', '--inMemoryPersistence', '--disableTelemetry', '--silent'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const queueUrl = await new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = /listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening?.[1]) resolve(listening[1]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => reject(new Error(`Azurite exited (${code}) before listening: ${output}`)));
  });
  return {
    queueUrl,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};QueueEndpoint=${queueUrl}/${ACCOUNT};`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
