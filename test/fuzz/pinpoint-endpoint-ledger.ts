import type { EndpointRequest } from '@aws-sdk/client-pinpoint';
import { cohortOf } from '../../src/pinpoint-api/endpoint-response';
import { realTimestampMs } from './oracle';
import { canonicalJson } from './pinpoint-canonical-json';

/** A problem the ledger found, with the index of the request it concerns. */
export interface LedgerProblem {
  failure: string;
  detail: string;
  index?: number;
}

/** One UpdateEndpoint call that may have stored its profile. */
interface Update {
  index: number;
  /** The body as the service's checks accept it; undefined when they refuse it (and the service took it all the same). */
  request: EndpointRequest | undefined;
  /** Unix ms (wall clock, as the service stamps `receivedAt`). */
  sentAt: number;
  /** Undefined while in flight, and for good when no answer came. */
  answeredAt?: number;
  status?: number;
}

/** What a GetEndpoint must find, from the UpdateEndpoint calls around it. */
export interface GetExpectation {
  /** An UpdateEndpoint was answered 202 before the GetEndpoint was sent. */
  mustExist: boolean;
  /** An UpdateEndpoint that may have stored was sent before the GetEndpoint was answered. */
  mayExist: boolean;
}

/** The members of an `EndpointRequest` (GetEndpoint answers these beside its own four). */
const ENDPOINT_MEMBERS = new Set(['Address', 'Attributes', 'ChannelType', 'Demographic', 'EffectiveDate', 'EndpointStatus', 'Location', 'Metrics', 'OptOut', 'RequestId', 'User']);
const OBJECTS = ['Demographic', 'Location'] as const;
const MAPS = ['Attributes', 'Metrics'] as const;

const pairKey = (applicationId: string, endpointId: string): string => JSON.stringify([applicationId, endpointId]);

/** Each leaf of a profile as `path → canonical JSON`: scalars, members of Demographic/Location, entries of the maps, User's. */
function leaves(profile: Record<string, unknown>): Map<string, string> {
  const found = new Map<string, string>();
  const add = (path: string, value: unknown): void => {
    if (value !== undefined && value !== null) found.set(path, canonicalJson(value));
  };
  for (const [member, value] of Object.entries(profile)) {
    if (member === 'EffectiveDate') continue;
    const entries = (): Array<[string, unknown]> => (typeof value === 'object' && value !== null ? Object.entries(value) : []);
    if ((OBJECTS as readonly string[]).includes(member) || (MAPS as readonly string[]).includes(member)) {
      for (const [key, inner] of entries()) add(`${member}.${JSON.stringify(key)}`, inner);
    } else if (member === 'User') {
      for (const [key, inner] of entries()) {
        if (key === 'UserAttributes' && typeof inner === 'object' && inner !== null) {
          for (const [name, list] of Object.entries(inner)) add(`User.UserAttributes.${JSON.stringify(name)}`, list);
        } else add(`User.${key}`, inner);
      }
    } else add(member, value);
  }
  return found;
}

/**
 * The UpdateEndpoint calls of a run, endpoint by endpoint, and what they allow: whether a
 * GetEndpoint must or may find a profile, whether a PutEvents event's endpoint may carry a
 * stored profile, where each stored value may come from (any call that may have stored it),
 * and at the end, per endpoint, whether the latest `EffectiveDate` won.
 */
export class EndpointLedger {
  private readonly updates = new Map<string, Update[]>();
  private readonly byIndex = new Map<number, Update>();
  /** Per endpoint, the leaves its calls sent (`leaves`), as `path → values`; dropped when a call is added. */
  private readonly sentLeaves = new Map<string, Map<string, Set<string>>>();

  /** An UpdateEndpoint about to be sent that may store (its body passes the checks), or that was answered 202. */
  sent(applicationId: string, endpointId: string, index: number, request: EndpointRequest | undefined, sentAt: number): void {
    const update: Update = { index, request, sentAt };
    const key = pairKey(applicationId, endpointId);
    const list = this.updates.get(key) ?? [];
    list.push(update);
    this.updates.set(key, list);
    this.byIndex.set(index, update);
    this.sentLeaves.delete(key);
  }

  answered(index: number, status: number | undefined, answeredAt: number): void {
    const update = this.byIndex.get(index);
    if (!update) return;
    update.answeredAt = answeredAt;
    if (status !== undefined) update.status = status;
    this.sentLeaves.clear();
  }

  /** Calls for this endpoint that may have stored a profile: answered 202, in flight, or never answered. */
  private mayHaveStored(applicationId: string, endpointId: string): Update[] {
    return (this.updates.get(pairKey(applicationId, endpointId)) ?? []).filter((u) => u.status === undefined || u.status === 202);
  }

  /** Whether a profile may have been stored for the endpoint before `before` (a PutEvents' answer, a GetEndpoint's). */
  mayHaveProfile(applicationId: string, endpointId: string, before: number): boolean {
    return this.mayHaveStored(applicationId, endpointId).some((u) => u.sentAt <= before);
  }

  /** What a GetEndpoint sent at `sentAt` and answered at `answeredAt` must find. */
  expectation(applicationId: string, endpointId: string, sentAt: number, answeredAt: number): GetExpectation {
    const candidates = this.mayHaveStored(applicationId, endpointId);
    return {
      mustExist: candidates.some((u) => u.status === 202 && u.answeredAt !== undefined && u.answeredAt <= sentAt),
      mayExist: candidates.some((u) => u.sentAt <= answeredAt),
    };
  }

  /**
   * The members of a stored profile (a GetEndpoint's, or a record's endpoint less what its own
   * request sent) that no UpdateEndpoint of that endpoint sent: `EffectiveDate` aside (stored as
   * the winner's instant, or the arrival), each scalar, Demographic and Location member, map
   * entry and User member must equal what one of them sent.
   */
  unexplained(applicationId: string, endpointId: string, profile: Record<string, unknown>, alsoFrom: readonly Record<string, unknown>[] = []): string[] {
    const key = pairKey(applicationId, endpointId);
    let known = this.sentLeaves.get(key);
    if (known === undefined) {
      known = new Map<string, Set<string>>();
      for (const update of this.mayHaveStored(applicationId, endpointId)) {
        for (const [path, value] of leaves((update.request ?? {}) as Record<string, unknown>)) known.set(path, (known.get(path) ?? new Set<string>()).add(value));
      }
      this.sentLeaves.set(key, known);
    }
    const also = alsoFrom.map(leaves);
    return [...leaves(profile)]
      .filter(([path, value]) => !known.get(path)?.has(value) && !also.some((sent) => sent.get(path) === value))
      .map(([path, value]) => `${path} = ${value.slice(0, 120)}`);
  }

  /** Problems with a GetEndpoint's 200 body: its own four members, members that are not the endpoint's, values nobody sent. */
  getBodyProblems(applicationId: string, endpointId: string, body: Record<string, unknown>): string[] {
    const problems: string[] = [];
    if (body['ApplicationId'] !== applicationId) problems.push(`ApplicationId ${JSON.stringify(body['ApplicationId'])}, not ${JSON.stringify(applicationId)}`);
    if (body['Id'] !== endpointId) problems.push(`Id ${JSON.stringify(body['Id'])}, not ${JSON.stringify(endpointId)}`);
    if (body['CohortId'] !== cohortOf(endpointId)) problems.push(`CohortId ${JSON.stringify(body['CohortId'])}, not ${cohortOf(endpointId)}`);
    const created = body['CreationDate'];
    if (typeof created !== 'string' || Number.isNaN(Date.parse(created)) || new Date(Date.parse(created)).toISOString() !== created) {
      problems.push(`CreationDate ${JSON.stringify(created)} is not an ISO instant`);
    }
    const { ApplicationId: _a, Id: _i, CohortId: _c, CreationDate: _d, ...profile } = body;
    const strangers = Object.keys(profile).filter((member) => !ENDPOINT_MEMBERS.has(member));
    if (strangers.length > 0) problems.push(`members an endpoint does not have: ${strangers.join(', ')}`);
    const unexplained = this.unexplained(applicationId, endpointId, profile);
    if (unexplained.length > 0) problems.push(`values no UpdateEndpoint of this endpoint sent: ${unexplained.slice(0, 3).join('; ')}`);
    return problems;
  }

  /** Endpoints whose every UpdateEndpoint was answered and one at least stored: their final profile is known. */
  settled(): Array<{ applicationId: string; endpointId: string }> {
    return [...this.updates]
      .filter(([, list]) => list.every((u) => u.status !== undefined) && list.some((u) => u.status === 202 && u.request !== undefined))
      .map(([key]) => {
        const [applicationId, endpointId] = JSON.parse(key) as [string, string];
        return { applicationId, endpointId };
      });
  }

  /**
   * The final profile of a settled endpoint (its GetEndpoint body) against its calls: the latest
   * `EffectiveDate` wins (a call without one takes its arrival, between its send and its answer),
   * so the profile's `EffectiveDate` is the latest instant sent; when one call's date is later
   * than every other call's, every member it sent is as it sent it. `CreationDate` is the first
   * stored call's arrival.
   */
  finalProblems(applicationId: string, endpointId: string, body: Record<string, unknown>): string[] {
    const stored = (this.updates.get(pairKey(applicationId, endpointId)) ?? []).filter((u) => u.status === 202 && u.request !== undefined);
    const problems: string[] = [];
    const explicit = stored.filter((u) => u.request?.EffectiveDate !== undefined).map((u) => ({ u, ms: realTimestampMs(u.request?.EffectiveDate ?? '') }));
    if (explicit.some((e) => Number.isNaN(e.ms))) return problems; // reported where that call was answered
    const implicit = stored.filter((u) => u.request?.EffectiveDate === undefined);
    const final = Date.parse(String(body['EffectiveDate']));
    const latestExplicit = Math.max(...explicit.map((e) => e.ms));
    const latestSent = Math.max(...implicit.map((u) => u.sentAt));
    const explained = explicit.some((e) => e.ms === final) || implicit.some((u) => u.sentAt <= final && final <= (u.answeredAt ?? Infinity));
    if (Number.isNaN(final) || final < latestExplicit || final < latestSent || !explained) {
      problems.push(
        `EffectiveDate ${JSON.stringify(body['EffectiveDate'])} is not the latest of the calls' (${explicit.map((e) => new Date(e.ms).toISOString()).join(', ')}; ${implicit.length} without one, arrived between ${new Date(Math.min(...implicit.map((u) => u.sentAt))).toISOString()} and then)`,
      );
    }
    const latest = explicit.filter((e) => e.ms === latestExplicit);
    const latestImplicit = Math.max(...implicit.map((u) => u.answeredAt ?? Infinity));
    const winner = latest.length === 1 && latestExplicit > latestImplicit ? latest[0]?.u.request : undefined;
    if (winner) {
      const finalLeaves = leaves(body);
      const lost = [...leaves(winner as Record<string, unknown>)].filter(([path, value]) => finalLeaves.get(path) !== value);
      if (lost.length > 0) problems.push(`the call with the latest EffectiveDate (${winner.EffectiveDate ?? ''}) lost: ${lost.slice(0, 3).map(([p, v]) => `${p} = ${v.slice(0, 80)}`).join('; ')}`);
    }
    const created = Date.parse(String(body['CreationDate']));
    const firstSent = Math.min(...stored.map((u) => u.sentAt));
    const firstAnswered = Math.min(...stored.map((u) => u.answeredAt ?? Infinity));
    if (!(created >= firstSent && created <= firstAnswered)) {
      problems.push(`CreationDate ${String(body['CreationDate'])} is not the first stored call's arrival (between ${new Date(firstSent).toISOString()} and ${new Date(firstAnswered).toISOString()})`);
    }
    return problems;
  }
}
