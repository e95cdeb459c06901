// A store per domain: the last good data, when it was fetched, and the last error — so trees show
// what is known (with an "offline since" marker) instead of going blank when the network fails.
// Trees read stores; only refresh() touches the network.
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

  constructor(private readonly now: () => Date = () => new Date()) {}

  get current(): StoreSnapshot<T> {
    return this.snapshot;
  }

  onDidChange(listener: Listener<T>): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Loads fresh data; concurrent calls share one load. Never throws: the error lands in the snapshot. */
  refresh(load: () => Promise<T>): Promise<StoreSnapshot<T>> {
    this.inFlight ??= this.run(load).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  clear(): void {
    this.update({ data: undefined, fetchedAt: undefined, error: undefined, offlineSince: undefined, loading: false });
  }

  private async run(load: () => Promise<T>): Promise<StoreSnapshot<T>> {
    this.update({ ...this.snapshot, loading: true });
    try {
      const data = await load();
      return this.update({ data, fetchedAt: this.now(), error: undefined, offlineSince: undefined, loading: false });
    } catch (error) {
      const e = toLifeCockpitError(error);
      const offlineSince = this.snapshot.data !== undefined ? (this.snapshot.offlineSince ?? this.now()) : undefined;
      return this.update({ ...this.snapshot, error: e, offlineSince, loading: false });
    }
  }

  private update(next: StoreSnapshot<T>): StoreSnapshot<T> {
    this.snapshot = next;
    for (const listener of this.listeners) listener(next);
    return next;
  }
}
