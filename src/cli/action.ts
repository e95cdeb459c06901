// Wraps each verb's action: builds its output and runtime from the global options, runs it, and maps
// whatever it throws to the exit code — the one place the CLI turns errors into codes.
import type { Command } from 'commander';
import { ConfigurationError, describeTarget } from '../core/config';
import { SignalCancellation } from './cancellation';
import { requireProfile } from './connect';
import { globalOptionsSchema, parseFlags } from './flags';
import { CliOutput, type CliIo, type GlobalOptions } from './output';
import { createCliRuntime, type CliRuntime } from './runtime';

export interface VerbContext {
  out: CliOutput;
  runtime: CliRuntime;
  options: GlobalOptions & Record<string, unknown>;
  /** Aborts on SIGINT or SIGTERM: pass it to every request so the verb stops at once. */
  signal: AbortSignal;
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

export interface VerbOptions {
  /**
   * Run even when a configuration value was rejected: only for verbs that report on the configuration
   * (doctor, config show) or do not use it (the sandbox). Every other verb stops first, exit 10.
   */
  toleratesConfigurationProblems?: boolean;
  /** The verb handles SIGINT and SIGTERM itself (the sandbox stops and saves, then exits 0). */
  ownsSignals?: boolean;
}

/** For verbs that report on the configuration (doctor, config show) or do not act on a profile (the sandbox). */
export const reportsConfiguration: VerbOptions = { toleratesConfigurationProblems: true };

/** `command.action(verb(async (ctx, ...args) => …))` */
export function verb<Args extends unknown[]>(
  run: (ctx: VerbContext, ...args: Args) => Promise<void>,
  verbOptions: VerbOptions = {},
) {
  return async function (this: Command, ...commanderArgs: unknown[]): Promise<void> {
    const options = this.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
    let runtime: CliRuntime | undefined;
    const out = new CliOutput(processIo, options, () => runtime?.log.debug('stdout full: waiting for the reader'));
    const cancellation = verbOptions.ownsSignals
      ? undefined
      : new SignalCancellation((error, code) => {
          out.failure(error);
          process.exit(code);
        });
    const signal = cancellation?.signal ?? new AbortController().signal;
    try {
      parseFlags(globalOptionsSchema, pickGlobalOptions(options));
      runtime = createCliRuntime(options);
      for (const w of runtime.loaded.warnings) out.warning(`${w.key} (from ${w.layer}): ${w.message}`);
      if (!verbOptions.toleratesConfigurationProblems) refuseInvalidConfiguration(runtime);
      // Commander passes positional args, then the options object, then the command.
      const args = commanderArgs.slice(0, this.registeredArguments.length) as Args;
      await run({ out, runtime, options, signal }, ...args);
    } catch (error) {
      if (out.readerGone) {
        // The reader left (`| head`): what it wanted it has; end quietly, as Unix tools do.
        runtime?.log.debug('stdout closed by its reader', { verb: this.name() });
        process.exitCode = 0;
        return;
      }
      runtime?.log.error('verb failed', { verb: this.name(), error });
      if (cancellation?.received) {
        out.failure(cancellation.error());
        process.exitCode = cancellation.exitCode;
      } else process.exitCode = out.failure(error);
    } finally {
      cancellation?.dispose();
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
  await ctx.out.confirm(`${action} in ${target}?${consequence ? ` ${consequence}` : ''}`, ctx.signal);
}

/** A value the user gave was rejected: nothing runs on a configuration that is not what they wrote. */
function refuseInvalidConfiguration(runtime: CliRuntime): void {
  const { problems } = runtime.loaded;
  if (problems.length === 0) return;
  const list = problems.map((p) => `${p.key} (from ${p.layer}): ${p.message}`).join('; ');
  throw new ConfigurationError(
    `Invalid configuration, nothing was done: ${list}. Fix ${problems.length === 1 ? 'it' : 'them'} (\`lc config show\` shows where each value comes from).`,
    problems,
  );
}

function pickGlobalOptions(options: GlobalOptions): GlobalOptions {
  const { json, yes, profile, verbose } = options;
  return { json, yes, profile, verbose };
}
