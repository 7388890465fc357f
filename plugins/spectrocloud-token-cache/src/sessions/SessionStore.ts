import { createHash, randomBytes } from 'node:crypto';
import { JsonObject } from '@backstage/types';
import { InProcessTokenStore } from '../InProcessTokenStore';
import { normalizeEmail } from '../normalizeEmail';
import { KeyValueStore } from './keyValue';
import {
  SessionRecord,
  SessionTokenRenewal,
  SpectroCloudSessions,
} from './types';

/** Most session ids remembered per user (and per email): the newest ones are kept. */
export const MAX_SESSIONS_PER_USER = 20;
/**
 * Least lifetime of an end mark whose record could not be read, and of a revocation mark, SECONDS
 * (a revocation mark lives longer when the user's index names a session that ends later).
 */
const FALLBACK_END_TTL_SECONDS = 7 * 24 * 3600;
/**
 * How long a record not (yet) bound to a user is kept, SECONDS: a sign-in whose resolver never
 * succeeds leaves no live Palette token behind for long (Backstage's nonce cookie lives as long).
 */
export const UNBOUND_RECORD_TTL_SECONDS = 10 * 60;
/** Writes of an index entry before giving up on a concurrent writer that keeps replacing it. */
const INDEX_WRITE_ATTEMPTS = 3;
const sha256 = (value: string) =>
  createHash('sha256').update(value).digest('base64url');

/**
 * {@link SpectroCloudSessions} over a {@link KeyValueStore}: `session:<id>` holds the record,
 * `ended:<id>` the end mark (written by logout, never overwritten by a renewal, so a logout
 * racing a refresh cannot be undone), `revoked:user:<ref>` and `revoked:email:<email>` the time
 * (epoch MILLISECONDS) before which every session of that user counts as ended (sign out
 * everywhere: it needs no index), `user:<ref>` and `email:<email>` the ids of the user's sessions
 * (newest {@link MAX_SESSIONS_PER_USER}, for identity lookups) and the emails, or users, those
 * sessions were made with (whose revocation marks a lookup reads ahead, in parallel). Keeps `view` (the process-wide compatibility
 * map behind the seed API) equal to the newest live session of each email this process touched.
 * @public
 */
export class SessionStore implements SpectroCloudSessions {
  readonly #kv: KeyValueStore;
  readonly #view: InProcessTokenStore | undefined;
  readonly #now: () => number;

  /**
   * @param options - `kv`: where records live (memory or the shared encrypted store); `view`: the
   *   in-process view kept equal to each email's newest live session, if any; `now`: clock in
   *   epoch MILLISECONDS, for tests
   */
  constructor(options: {
    kv: KeyValueStore;
    view?: InProcessTokenStore;
    now?: () => number;
  }) {
    this.#kv = options.kv;
    this.#view = options.view;
    this.#now = options.now ?? Date.now;
  }

  /** {@inheritDoc SpectroCloudSessions.create} */
  async create(
    record: Omit<SessionRecord, 'state' | 'renewedAt'>,
  ): Promise<void> {
    const full: StoredRecord = {
      ...record,
      email: normalizeEmail(record.email),
      state: 'live',
      createdAtMs: this.#now(),
    };
    await this.#writeRecord(
      full,
      full.userEntityRef ? undefined : UNBOUND_RECORD_TTL_SECONDS,
    );
    if (full.userEntityRef) {
      await this.#addToIndexes(full);
      await this.#updateView(full.email);
    }
  }

  /** {@inheritDoc SpectroCloudSessions.bindUser} */
  async bindUser(id: string, userEntityRef?: string): Promise<void> {
    const record = await this.#load(id);
    if (!record || record.state !== 'live') {
      return;
    }
    const bound: StoredRecord = {
      ...record,
      ...(userEntityRef ? { userEntityRef } : {}),
    };
    await this.#writeRecord(bound);
    if (record.userEntityRef && record.userEntityRef !== bound.userEntityRef) {
      await this.#removeFromIndex('user', record.userEntityRef, id);
    }
    await this.#addToIndexes(bound);
    this.#viewNewest(bound);
  }

  /** {@inheritDoc SpectroCloudSessions.get} */
  async get(id: string): Promise<SessionRecord | undefined> {
    const stored = await this.#load(id);
    return stored && toPublic(stored);
  }

  /** {@inheritDoc SpectroCloudSessions.renewSessionToken} */
  async renewSessionToken(
    id: string,
    currentToken: string,
    renew: SessionTokenRenewal,
    lockMs: number,
  ): Promise<SessionRecord | undefined> {
    const isCurrent = (r: SessionRecord | undefined) =>
      r?.state === 'live' && r.sessionToken?.token === currentToken;
    const record = await this.get(id);
    if (!isCurrent(record)) {
      return record;
    }
    const lock = sha256(currentToken);
    const holder = randomBytes(16).toString('base64url');
    // Lost: another caller renews. Its token is still valid (renewals start well before expiry),
    // so hand it out now rather than wait; a later refresh gets the renewed one.
    if (await this.#kv.setIfAbsent('lock', lock, { holder }, lockMs)) {
      try {
        // Compare under the lock: another instance may have renewed it just before.
        const stored = await this.#load(id);
        if (!isCurrent(stored)) {
          return stored && toPublic(stored);
        }
        const renewed = await renew(currentToken);
        if (!renewed) {
          // Not renewed: the record as it is now (it may have ended meanwhile).
          return await this.get(id);
        }
        const updated: StoredRecord = {
          ...stored!,
          sessionToken: renewed,
          renewedAt: this.#nowSeconds(),
        };
        await this.#writeRecord(updated);
        await this.#addToIndexes(updated);
        this.#viewNewest(updated);
        return await this.get(id);
      } finally {
        await this.#releaseLock(lock, holder).catch(() => undefined);
      }
    }
    return record;
  }

  /** {@inheritDoc SpectroCloudSessions.end} */
  async end(id: string): Promise<void> {
    const value = await this.#kv.get('session', id);
    const record = value && toRecord(value);
    const ttl = record
      ? record.expiresAt - this.#nowSeconds()
      : FALLBACK_END_TTL_SECONDS;
    await this.#kv.set('ended', id, { ended: true }, ttl * 1000);
    if (record) {
      await this.#updateView(record.email);
    }
  }

  /** {@inheritDoc SpectroCloudSessions.endAllOf} */
  async endAllOf(user: {
    email?: string;
    userEntityRef?: string;
  }): Promise<void> {
    const before = this.#now();
    const targets: Array<['user' | 'email', string]> = [];
    if (user.userEntityRef) targets.push(['user', user.userEntityRef]);
    if (user.email) targets.push(['email', normalizeEmail(user.email)]);
    const indexes = await Promise.all(
      targets.map(([kind, name]) => this.#kv.get(kind, name)),
    );
    const endsAt = Math.max(
      this.#nowSeconds() + FALLBACK_END_TTL_SECONDS,
      ...indexes.map(i => (typeof i?.expiresAt === 'number' ? i.expiresAt : 0)),
    );
    await Promise.all(
      targets.map(([kind, name]) =>
        this.#kv.set(
          'revoked',
          `${kind}:${name}`,
          { before },
          (endsAt - this.#nowSeconds()) * 1000,
        ),
      ),
    );
    if (this.#view) {
      const emails = new Set(
        targets.filter(([k]) => k === 'email').map(([, n]) => n),
      );
      const ids = indexes.flatMap(i => idsOf(i));
      for (const r of await Promise.all(ids.map(id => this.get(id)))) {
        if (r) emails.add(r.email);
      }
      for (const email of emails) await this.#updateView(email);
    }
  }

  /** {@inheritDoc SpectroCloudSessions.newestLive} */
  async newestLive(user: {
    email?: string;
    userEntityRef?: string;
  }): Promise<SessionRecord | undefined> {
    let target: ['user' | 'email', string];
    if (user.userEntityRef) {
      target = ['user', user.userEntityRef];
    } else if (user.email) {
      target = ['email', normalizeEmail(user.email)];
    } else {
      return undefined;
    }
    // Revocation marks are read while the index and then the records are read, not after them:
    // the mark of the user or email asked for, and those of the emails (or users) the index
    // names. A record whose mark was not read ahead reads it itself.
    const marks: RevocationMarks = new Map();
    const mark = (key: string) =>
      marks.set(key, marks.get(key) ?? this.#kv.get('revoked', key));
    mark(`${target[0]}:${target[1]}`);
    const index = await this.#kv.get(...target);
    const related = target[0] === 'user' ? 'email' : 'user';
    for (const name of stringsOf(index?.[RELATED[target[0]]])) {
      mark(`${related}:${name}`);
    }
    const now = this.#nowSeconds();
    const records = await Promise.all(
      idsOf(index).map(async id => {
        const stored = await this.#load(id, marks);
        return stored && toPublic(stored);
      }),
    );
    const live = records.filter(
      (r): r is SessionRecord =>
        !!r &&
        r.state === 'live' &&
        !!r.sessionToken &&
        r.sessionToken.expiresAt > now &&
        (!user.email || r.email === normalizeEmail(user.email)) &&
        (!user.userEntityRef || r.userEntityRef === user.userEntityRef),
    );
    const at = (r: SessionRecord) => r.renewedAt ?? r.createdAt;
    return live.reduce<SessionRecord | undefined>(
      (newest, r) => (!newest || at(r) >= at(newest) ? r : newest),
      undefined,
    );
  }

  /** {@inheritDoc SpectroCloudSessions.claimOnce} */
  async claimOnce(name: string, ttlMs: number): Promise<boolean> {
    return this.#kv.setIfAbsent('once', sha256(name), {}, ttlMs);
  }

  /**
   * Deletes lock `name` only while it is still ours: after `lockMs` it may have expired and been
   * taken by another caller. (Read then delete is not atomic: a lock expiring between the two is
   * still deleted; Backstage's cache API has no compare-and-delete.)
   */
  async #releaseLock(name: string, holder: string): Promise<void> {
    if ((await this.#kv.get('lock', name))?.holder === holder) {
      await this.#kv.delete('lock', name);
    }
  }

  /**
   * The stored record `id` with its state (ended by logout or by a revocation mark). `marks`:
   * revocation marks already being read, by `email:<email>` / `user:<ref>`.
   */
  async #load(
    id: string,
    marks?: RevocationMarks,
  ): Promise<StoredRecord | undefined> {
    const [value, ended] = await Promise.all([
      this.#kv.get('session', id),
      this.#kv.get('ended', id),
    ]);
    const record = value && toRecord(value);
    if (!record || record.expiresAt <= this.#nowSeconds()) {
      return undefined;
    }
    return ended || (await this.#revoked(record, marks))
      ? { ...record, state: 'ended' }
      : record;
  }

  /** Whether a revocation mark of the record's email or user was set after it was created. */
  async #revoked(
    record: StoredRecord,
    ahead?: RevocationMarks,
  ): Promise<boolean> {
    const read = (key: string) =>
      ahead?.get(key) ?? this.#kv.get('revoked', key);
    const marks = await Promise.all([
      read(`email:${record.email}`),
      record.userEntityRef ? read(`user:${record.userEntityRef}`) : undefined,
    ]);
    return marks.some(
      m => typeof m?.before === 'number' && record.createdAtMs <= m.before,
    );
  }

  /** Stores `record` until its `expiresAt`, or for `maxTtlSeconds` when that is shorter. */
  async #writeRecord(
    record: StoredRecord,
    maxTtlSeconds = Infinity,
  ): Promise<void> {
    const ttlMs =
      Math.min(record.expiresAt - this.#nowSeconds(), maxTtlSeconds) * 1000;
    const { state: _state, ...value } = record;
    await this.#kv.set(
      'session',
      record.id,
      value as unknown as JsonObject,
      ttlMs,
    );
  }

  async #removeFromIndex(
    kind: 'user' | 'email',
    name: string,
    id: string,
  ): Promise<void> {
    const current = await this.#kv.get(kind, name);
    const ids = idsOf(current);
    if (!ids.includes(id) || typeof current?.expiresAt !== 'number') return;
    await this.#kv.set(
      kind,
      name,
      { ...current, ids: ids.filter(x => x !== id) },
      (current.expiresAt - this.#nowSeconds()) * 1000,
    );
  }

  async #addToIndexes(record: SessionRecord): Promise<void> {
    const targets: Array<['user' | 'email', string, string | undefined]> = [
      ['email', record.email, record.userEntityRef],
    ];
    if (record.userEntityRef) {
      targets.push(['user', record.userEntityRef, record.email]);
    }
    // Read, merge, write, and read again: a concurrent sign-in of the same user may have replaced
    // the entry between our read and write (no atomic update through Backstage's cache API).
    await Promise.all(
      targets.map(async ([kind, name, relatedName]) => {
        for (let attempt = 0; attempt < INDEX_WRITE_ATTEMPTS; attempt++) {
          const current = await this.#kv.get(kind, name);
          const ids = idsOf(current);
          const related = stringsOf(current?.[RELATED[kind]]);
          const expiresAt = Math.max(
            typeof current?.expiresAt === 'number' ? current.expiresAt : 0,
            record.expiresAt,
          );
          if (
            ids.includes(record.id) &&
            expiresAt === current?.expiresAt &&
            (!relatedName || related.includes(relatedName))
          ) {
            return;
          }
          const next = [...ids.filter(x => x !== record.id), record.id].slice(
            -MAX_SESSIONS_PER_USER,
          );
          const nextRelated = relatedName
            ? [...related.filter(x => x !== relatedName), relatedName].slice(
                -MAX_RELATED_NAMES,
              )
            : related;
          await this.#kv.set(
            kind,
            name,
            { ids: next, expiresAt, [RELATED[kind]]: nextRelated },
            (expiresAt - this.#nowSeconds()) * 1000,
          );
        }
      }),
    );
  }

  /**
   * Makes the compatibility map's entry of its email the token of `record`, a live session just
   * signed in or renewed: the user's newest one by definition, so the index is not read again
   * (reading every session of the user on each sign-in was the costliest part of it).
   */
  #viewNewest(record: SessionRecord): void {
    const token = record.sessionToken;
    if (this.#view && token && token.expiresAt > this.#nowSeconds()) {
      this.#view.set(record.email, token.token, token.expiresAt);
    }
  }

  /** Makes the compatibility map's entry of `email` the newest live session's token. */
  async #updateView(email: string): Promise<void> {
    if (!this.#view) return;
    try {
      const newest = await this.newestLive({ email });
      if (newest?.sessionToken) {
        this.#view.set(
          email,
          newest.sessionToken.token,
          newest.sessionToken.expiresAt,
        );
      } else {
        this.#view.delete(email);
      }
    } catch {
      // Store down: the view keeps its last state (the seed API is in-process by contract).
    }
  }

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }
}

/**
 * A record as stored: with `createdAtMs`, the store's clock when it was created (epoch
 * MILLISECONDS), which revocation marks are compared with (`createdAt` has whole seconds only).
 */
type StoredRecord = SessionRecord & { createdAtMs: number };

function toPublic(stored: StoredRecord): SessionRecord {
  const { createdAtMs: _createdAtMs, ...record } = stored;
  return record;
}

function idsOf(index: JsonObject | undefined): string[] {
  return stringsOf(index?.ids);
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((x): x is string => typeof x === 'string')
    : [];
}

/**
 * Revocation marks being read, by `email:<email>` / `user:<ref>` (see `newestLive`).
 */
type RevocationMarks = Map<string, Promise<JsonObject | undefined>>;

/**
 * The member of an index entry naming the other side of its sessions: a user's entry keeps the
 * emails they signed in with, an email's entry the users it was bound to (newest
 * {@link MAX_RELATED_NAMES}), so that a lookup reads their revocation marks ahead.
 */
const RELATED = { user: 'emails', email: 'users' } as const;
const MAX_RELATED_NAMES = 5;

function toRecord(value: JsonObject): StoredRecord | undefined {
  const v = value as Partial<SessionRecord> & JsonObject;
  if (
    typeof v.id !== 'string' ||
    typeof v.email !== 'string' ||
    typeof v.idToken !== 'string' ||
    typeof v.idTokenExpiresAt !== 'number' ||
    typeof v.createdAt !== 'number' ||
    typeof v.expiresAt !== 'number'
  ) {
    return undefined;
  }
  const token = v.sessionToken as JsonObject | undefined;
  return {
    id: v.id,
    email: v.email,
    ...(typeof v.userEntityRef === 'string'
      ? { userEntityRef: v.userEntityRef }
      : {}),
    idToken: v.idToken,
    idTokenExpiresAt: v.idTokenExpiresAt,
    ...(token &&
    typeof token.token === 'string' &&
    typeof token.expiresAt === 'number'
      ? { sessionToken: { token: token.token, expiresAt: token.expiresAt } }
      : {}),
    scope: typeof v.scope === 'string' ? v.scope : '',
    createdAt: v.createdAt,
    ...(typeof v.renewedAt === 'number' ? { renewedAt: v.renewedAt } : {}),
    expiresAt: v.expiresAt,
    state: 'live',
    createdAtMs:
      typeof v.createdAtMs === 'number' ? v.createdAtMs : v.createdAt * 1000,
  };
}
