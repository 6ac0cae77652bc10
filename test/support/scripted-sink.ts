import type { Clock } from '../../src/clock';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { allFailed, deliveredAll, type DeliveryResult, type EventSink } from '../../src/sinks/event-sink';
import { SinkError, type SinkErrorKind } from '../../src/sinks/sink-error';

/** One `deliver` call as the scripted sink saw it. */
export interface ScriptedCall {
  /** Fake-clock time of the call. */
  at: number;
  eventIds: string[];
}

/** Decides the answer to one call; undefined accepts every event. */
export type Script = (envelopes: readonly EventEnvelope[], callIndex: number) => DeliveryResult | undefined;

/** A sink whose answers a test scripts, recording every call and every event it accepted. */
export interface ScriptedSink extends EventSink {
  calls: ScriptedCall[];
  /** Event ids accepted, in order, copies kept. */
  delivered: string[];
  setScript(script: Script | undefined): void;
}

/** A result where every event of the call failed with one kind of error. */
export function failAll(envelopes: readonly EventEnvelope[], kind: SinkErrorKind, code = 'ScriptedFailure'): DeliveryResult {
  return allFailed(
    envelopes.map((e) => e.eventId),
    new SinkError(kind, `scripted ${kind}`, code),
  );
}

/** A fake EventSink for forwarder tests: no IO, answers by script, time read from `clock`. */
export function createScriptedSink(clock: Clock, options: { name?: string; maxBatchEvents?: number; script?: Script } = {}): ScriptedSink {
  let script = options.script;
  const sink: ScriptedSink = {
    name: options.name ?? 'scripted',
    maxBatchEvents: options.maxBatchEvents ?? 100,
    calls: [],
    delivered: [],
    setScript(next) {
      script = next;
    },
    deliver(envelopes) {
      const index = sink.calls.length;
      sink.calls.push({ at: clock.now(), eventIds: envelopes.map((e) => e.eventId) });
      const result = script?.(envelopes, index) ?? deliveredAll();
      const notTaken = new Set([...result.failed, ...result.rejected].map((e) => e.eventId));
      for (const envelope of envelopes) if (!notTaken.has(envelope.eventId)) sink.delivered.push(envelope.eventId);
      return Promise.resolve(result);
    },
    close: () => Promise.resolve(),
  };
  return sink;
}
