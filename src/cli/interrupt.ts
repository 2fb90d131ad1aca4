/**
 * What keysync does on SIGINT and SIGTERM (contract §6), decided here and carried out by the
 * executable (cli.ts), which owns the process:
 *
 * - The first signal starts a graceful stop: commands are told through `Io.signal` (apply sends
 *   nothing new and lets the requests in flight answer, then saves the state and releases the
 *   lock), and a notice says so at once. The stop is bounded: after `GRACE_MS` keysync exits
 *   anyway, as a second signal would. A request that never answers (a hung server) cannot hold
 *   the process: its intent is already in the state file, and the next run settles it by reading
 *   the set, exactly as after `kill -9`.
 * - A second signal exits at once.
 * - While nothing is in flight and nothing would be lost (apply's confirmation prompt), the
 *   first signal exits at once.
 *
 * Every exit that does not go through the command's own ending removes the state lock this
 * process holds first (state/held-locks.ts), and uses the shell's code for death by that
 * signal: 130 for SIGINT, 143 for SIGTERM.
 */

export type InterruptSignal = "SIGINT" | "SIGTERM";

/** 128 + the signal's number, as shells report a process ended by it. */
export const SIGNAL_EXIT_CODES: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** How long a graceful stop may take before keysync exits anyway. */
export const GRACE_MS = 5000;

/** What the process must do about one signal; `code` is the exit code if it ends on it. */
export interface InterruptReaction {
  readonly kind: "stop-gracefully" | "exit-now";
  /** What to print on stderr at once; null for a command whose normal end is a signal (serve). */
  readonly notice: string | null;
  readonly code: number;
}

export class Interrupts {
  #received = 0;
  #describe: (() => string | null) | null = null;
  #exitAtOnce = 0;

  /** How many signals have arrived. */
  get received(): number {
    return this.#received;
  }

  /**
   * While the returned function has not been called, the first signal's notice is `describe()`,
   * worked out when the signal arrives (apply: how many requests are in flight then); null says
   * nothing (serve, for which a signal is the ordinary way to stop).
   */
  describeStopWith(describe: () => string | null): () => void {
    this.#describe = describe;
    return () => {
      if (this.#describe === describe) this.#describe = null;
    };
  }

  /**
   * Runs `body` (a wait on the user, with nothing in flight) such that a signal during it ends
   * the process at once instead of asking it to stop.
   */
  async exitAtOnceDuring<T>(body: () => Promise<T>): Promise<T> {
    this.#exitAtOnce += 1;
    try {
      return await body();
    } finally {
      this.#exitAtOnce -= 1;
    }
  }

  /** Records `signal` and says what to do about it. */
  receive(signal: InterruptSignal): InterruptReaction {
    this.#received += 1;
    const code = SIGNAL_EXIT_CODES[signal];
    if (this.#exitAtOnce > 0) {
      return {
        kind: "exit-now",
        code,
        notice: "Interrupted: nothing was changed; the state lock is released.",
      };
    }
    if (this.#received > 1) {
      return {
        kind: "exit-now",
        code,
        notice:
          "Second interrupt: exiting now. The state file holds every completed action and every " +
          "unfinished write; the next run settles them.",
      };
    }
    return {
      kind: "stop-gracefully",
      code,
      notice:
        this.#describe === null
          ? "Interrupt received: stopping (interrupt again to exit at once)"
          : this.#describe(),
    };
  }

  /** The notice when a graceful stop has taken longer than `GRACE_MS`. */
  static graceOverNotice(): string {
    return (
      `Still not stopped ${GRACE_MS / 1000}s after the interrupt: exiting now. Unfinished writes are ` +
      "recorded in the state file; the next run settles them."
    );
  }
}
