// Wraps each verb's action: builds its output and runtime from the global options, runs it, and maps
// whatever it throws to the exit code — the one place the CLI turns errors into codes.
import type { Command } from 'commander';
import { describeTarget } from '../core/config';
import { requireProfile } from './connect';
import { CliOutput, type CliIo, type GlobalOptions } from './output';
import { createCliRuntime, type CliRuntime } from './runtime';

export interface VerbContext {
  out: CliOutput;
  runtime: CliRuntime;
  options: GlobalOptions & Record<string, unknown>;
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

/** `command.action(verb(async (ctx, ...args) => …))` */
export function verb<Args extends unknown[]>(run: (ctx: VerbContext, ...args: Args) => Promise<void>) {
  return async function (this: Command, ...commanderArgs: unknown[]): Promise<void> {
    const options = this.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
    const out = new CliOutput(processIo, options);
    let runtime: CliRuntime | undefined;
    try {
      runtime = createCliRuntime(options);
      for (const w of runtime.loaded.warnings) out.warning(`${w.key} (from ${w.layer}): ${w.message}`);
      // Commander passes positional args, then the options object, then the command.
      const args = commanderArgs.slice(0, this.registeredArguments.length) as Args;
      await run({ out, runtime, options }, ...args);
    } catch (error) {
      runtime?.log.error('verb failed', { verb: this.name(), error });
      process.exitCode = out.failure(error);
    } finally {
      await runtime?.dispose();
    }
  };
}

/**
 * Asks before an effect, naming where it lands: "Delete contacts(…) in the LIVE profile "practice"
 * (tenant contoso.onmicrosoft.com)? This cannot be undone."
 */
export async function confirmEffect(ctx: VerbContext, action: string, consequence = ''): Promise<void> {
  const target = describeTarget(requireProfile(ctx.runtime));
  await ctx.out.confirm(`${action} in ${target}?${consequence ? ` ${consequence}` : ''}`);
}
