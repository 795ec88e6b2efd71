import type { AlertStatus } from '../entities/alert-enums.js';

/** A rule's state for a mapping changed (after the change committed). */
export interface AlertStateChange {
  stateId: number;
  ruleId: number;
  ruleName: string;
  mappingId: number;
  status: AlertStatus;
  message: string;
  changedAt: number;
  jobId: number | null;
}

type Listener<T> = (value: T) => void;

/**
 * In-process news of alerts, sent after a commit: a deliverer in this process wakes at once instead of at
 * its next poll (what keeps a notification's latency low), and the runtime announces state changes to
 * subscribers. Other processes learn of outbox rows by polling, so a missed signal only costs time.
 */
class AlertSignal {
  private readonly outbox = new Set<Listener<void>>();
  private readonly states = new Set<Listener<AlertStateChange>>();

  onOutboxWritten(listener: Listener<void>): () => void {
    this.outbox.add(listener);
    return () => this.outbox.delete(listener);
  }

  onStateChanged(listener: Listener<AlertStateChange>): () => void {
    this.states.add(listener);
    return () => this.states.delete(listener);
  }

  outboxWritten(): void {
    for (const listener of this.outbox) safely(() => listener());
  }

  stateChanged(change: AlertStateChange): void {
    for (const listener of this.states) safely(() => listener(change));
  }
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // A listener's bug must never fail the job whose end sent the signal.
  }
}

export const alertSignal = new AlertSignal();
