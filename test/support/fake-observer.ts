import type { DeliveryCall, DeliveryObserver } from '../../src/sinks/delivery-observer';

/** What a fake observer was told, in order, per kind. */
export interface FakeObserver extends DeliveryObserver {
  calls: DeliveryCall[];
  retries: Array<{ sink: string; events: number }>;
  deadLetters: Array<{ sink: string; events: number }>;
  fitted: Array<{ sink: string; events: number }>;
  setAside: Array<{ sink: string; rows: number }>;
}

/** A `DeliveryObserver` that keeps everything it is told, for assertions. */
export function createFakeObserver(): FakeObserver {
  const observer: FakeObserver = {
    calls: [],
    retries: [],
    deadLetters: [],
    fitted: [],
    setAside: [],
    callFinished: (call) => observer.calls.push(call),
    retryScheduled: (sink, events) => observer.retries.push({ sink, events }),
    deadLettered: (sink, events) => observer.deadLetters.push({ sink, events }),
    eventsFitted: (sink, events) => observer.fitted.push({ sink, events }),
    rowsSetAside: (sink, rows) => observer.setAside.push({ sink, rows }),
  };
  return observer;
}
