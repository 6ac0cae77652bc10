import type { DeliveryObserver } from '../sinks/delivery-observer';
import type { DeliveryObservation } from './delivery-messages';

/**
 * The delivery worker's observer: each call becomes one small message to the HTTP thread, in
 * order, as the worker's other messages (a few per delivery call, far fewer than requests).
 */
export function postingObserver(post: (observation: DeliveryObservation) => void): DeliveryObserver {
  return {
    callFinished: (call) => {
      post({ kind: 'call', call });
    },
    retryScheduled: (sink, count) => {
      post({ kind: 'retry', sink, count });
    },
    deadLettered: (sink, count) => {
      post({ kind: 'dead-letter', sink, count });
    },
    eventsFitted: (sink, count) => {
      post({ kind: 'fitted', sink, count });
    },
    rowsSetAside: (sink, count) => {
      post({ kind: 'set-aside', sink, count });
    },
  };
}

/** Hands an observation from the delivery worker to the HTTP thread's observer (its metrics). */
export function applyObservation(observer: DeliveryObserver, observation: DeliveryObservation): void {
  switch (observation.kind) {
    case 'call':
      observer.callFinished(observation.call);
      return;
    case 'retry':
      observer.retryScheduled(observation.sink, observation.count);
      return;
    case 'dead-letter':
      observer.deadLettered(observation.sink, observation.count);
      return;
    case 'fitted':
      observer.eventsFitted(observation.sink, observation.count);
      return;
    case 'set-aside':
      observer.rowsSetAside(observation.sink, observation.count);
      return;
  }
}
