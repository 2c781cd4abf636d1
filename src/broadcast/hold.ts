/** One run's claim on the configuration the rank processes hold. */
export interface RunHold<T> {
  /** What configuring made while this run holds the ranks; null otherwise. */
  readonly current: T | null;
  /** Configures the ranks for this run unless it holds them already (suspending the run that did); returns what configuring made. */
  activate(): Promise<T>;
  /** Lets go: frees what configuring made, and the next activate configures again. */
  suspend(): void;
}

/** The configuration of a session's ranks, held by one run at a time, so a sweep can interleave blocks of many runs. */
export interface ConfigurationSlot {
  hold<T>(configure: () => Promise<T>, release?: (made: T) => void): RunHold<T>;
}

/** A slot no run holds yet. */
export function configurationSlot(): ConfigurationSlot {
  let holder: RunHold<unknown> | null = null;
  return {
    hold: <T>(configure: () => Promise<T>, release: (made: T) => void = () => undefined): RunHold<T> => {
      let made: T | null = null;
      const self: RunHold<T> = {
        get current() {
          return holder === self ? made : null;
        },
        activate: async () => {
          if (made !== null && holder === self) return made;
          holder?.suspend();
          holder = self;
          made = await configure();
          return made;
        },
        suspend: () => {
          if (holder === self) holder = null;
          if (made === null) return;
          release(made);
          made = null;
        },
      };
      return self;
    },
  };
}
