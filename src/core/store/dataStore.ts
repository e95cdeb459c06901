// A store per domain: the last good data, when it was fetched, and the last error — so trees show
// what is known (with an "offline since" marker) instead of going blank when the network fails.
// Trees read stores; only refresh() touches the network. Generic, so every domain (sessions,
// reminders, Dataverse tables) keeps its own. A store belongs to one profile session: clear() ends
// it, aborting the loads under way and refusing whatever they return, so a profile switch or a
// sign-out never shows the previous profile's data, and the next profile's load runs afresh.
import { systemClock, type Clock } from '../clock';
import { toLifeCockpitError, type LifeCockpitError } from '../errors';

export interface StoreSnapshot<T> {
  data: T | undefined;
  fetchedAt: Date | undefined;
  error: LifeCockpitError | undefined;
  /** Set while refreshes fail after data was once fetched. */
  offlineSince: Date | undefined;
  loading: boolean;
}

type Listener<T> = (snapshot: StoreSnapshot<T>) => void;

export class DataStore<T> {
  private snapshot: StoreSnapshot<T> = {
    data: undefined,
    fetchedAt: undefined,
    error: undefined,
    offlineSince: undefined,
    loading: false,
  };
  private readonly listeners = new Set<Listener<T>>();
  private inFlight: Promise<StoreSnapshot<T>> | undefined;
  /** Ends with the profile session: aborts its loads, and their late results are refused. */
  private session = new AbortController();

  constructor(private readonly clock: Clock = systemClock) {}

  get current(): StoreSnapshot<T> {
    return this.snapshot;
  }

  onDidChange(listener: Listener<T>): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * Loads fresh data; concurrent calls in one session share one load. The signal aborts when the
   * session ends (clear). Never throws: the error lands in the snapshot.
   */
  refresh(load: (signal: AbortSignal) => Promise<T>): Promise<StoreSnapshot<T>> {
    if (this.inFlight) return this.inFlight;
    const running = this.run(load, this.session.signal).finally(() => {
      if (this.inFlight === running) this.inFlight = undefined;
    });
    this.inFlight = running;
    return running;
  }

  /** Ends the profile session: the data goes, loads under way are aborted and their results refused. */
  clear(): void {
    this.session.abort();
    this.session = new AbortController();
    this.inFlight = undefined;
    this.update({ data: undefined, fetchedAt: undefined, error: undefined, offlineSince: undefined, loading: false });
  }

  private async run(load: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<StoreSnapshot<T>> {
    this.update({ ...this.snapshot, loading: true });
    try {
      const data = await load(signal);
      if (signal.aborted) return this.snapshot;
      return this.update({
        data,
        fetchedAt: new Date(this.clock.now()),
        error: undefined,
        offlineSince: undefined,
        loading: false,
      });
    } catch (error) {
      if (signal.aborted) return this.snapshot;
      const e = toLifeCockpitError(error);
      const offlineSince =
        this.snapshot.data !== undefined ? (this.snapshot.offlineSince ?? new Date(this.clock.now())) : undefined;
      return this.update({ ...this.snapshot, error: e, offlineSince, loading: false });
    }
  }

  private update(next: StoreSnapshot<T>): StoreSnapshot<T> {
    this.snapshot = next;
    for (const listener of this.listeners) listener(next);
    return next;
  }
}
