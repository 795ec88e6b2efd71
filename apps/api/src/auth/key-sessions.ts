import type { EntityManager } from '@mikro-orm/knex';
import { ApiKeySchema } from '@tandem/sync-core';
import { type Caller, isExpired } from './api-keys.js';

/** How often open sessions' keys are re-read: revocation and expiry bite within this plus a tick. */
export const SESSION_CHECK_INTERVAL_MS = 1_000;
/** A WebSocket operation trusts a key check this old; older, it asks the store again. */
const KEY_CHECK_CACHE_MS = 1_000;

/** Why a session was ended: the WebSocket close reason and the message a subscriber gets. */
export type SessionEndReason = 'revoked' | 'expired';

/** What is open on behalf of a key: a graphql-ws connection, or one subscription (over SSE or WebSocket). */
export type SessionKind = 'connection' | 'subscription';

interface Session {
  kind: SessionKind;
  end(reason: SessionEndReason): void;
}

/**
 * Keeps open connections honest after their key changes. HTTP requests authenticate one by one, but a
 * graphql-ws connection or an SSE subscription outlives the check made when it opened; this registry
 * knows which key each belongs to, re-reads those keys every second (one `where id in (…)` for all of
 * them, only while something is open — and so across processes: a key revoked through another API
 * process is seen here too) and ends every session of a key that was revoked or has expired.
 * `keyStillValid` serves the per-operation check of a graphql-ws connection, cached for a second.
 */
export class KeySessions {
  private readonly byKey = new Map<number, Set<Session>>();
  private readonly checked = new Map<number, { at: number; valid: boolean }>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(private readonly em: () => EntityManager) {}

  /** Registers a session; returns the function that removes it (call it when the session ends by itself). */
  open(caller: Caller, kind: SessionKind, end: (reason: SessionEndReason) => void): () => void {
    const session: Session = { kind, end };
    let sessions = this.byKey.get(caller.keyId);
    if (!sessions) {
      sessions = new Set();
      this.byKey.set(caller.keyId, sessions);
    }
    sessions.add(session);
    this.startTimer();
    return () => this.remove(caller.keyId, session);
  }

  /** How many sessions of a kind a key has open (the subscription cap counts subscriptions). */
  count(keyId: number, kind: SessionKind): number {
    let n = 0;
    for (const session of this.byKey.get(keyId) ?? []) if (session.kind === kind) n += 1;
    return n;
  }

  /** How many sessions of a kind are open on this process, all keys together (for `/metrics`). */
  total(kind: SessionKind): number {
    let n = 0;
    for (const keyId of this.byKey.keys()) n += this.count(keyId, kind);
    return n;
  }

  /** Ends every session of a key at once: revocation through this process does not wait for the sweep. */
  endAll(keyId: number, reason: SessionEndReason): void {
    const sessions = this.byKey.get(keyId);
    this.byKey.delete(keyId);
    this.checked.set(keyId, { at: Date.now(), valid: false });
    for (const session of sessions ?? []) session.end(reason);
  }

  /** Whether a key may still be used; at most a second old. */
  async keyStillValid(caller: Caller): Promise<boolean> {
    const now = Date.now();
    if (caller.expiresAt != null && caller.expiresAt <= now) return false;
    const cached = this.checked.get(caller.keyId);
    if (cached && now - cached.at < KEY_CHECK_CACHE_MS) return cached.valid;
    const row = await this.em().findOne(ApiKeySchema, { id: caller.keyId }, { fields: ['revokedAt', 'expiresAt'] });
    const valid = row != null && row.revokedAt == null && !isExpired(row, now);
    this.checked.set(caller.keyId, { at: now, valid });
    return valid;
  }

  /** Re-reads the keys of open sessions and ends those of revoked or expired keys. */
  async sweep(): Promise<void> {
    if (this.sweeping || this.byKey.size === 0) return;
    this.sweeping = true;
    try {
      const ids = [...this.byKey.keys()];
      const rows = await this.em().find(ApiKeySchema, { id: { $in: ids } }, { fields: ['revokedAt', 'expiresAt'] });
      const now = Date.now();
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const id of ids) {
        const row = byId.get(id);
        if (!row || row.revokedAt != null) this.endAll(id, 'revoked');
        else if (isExpired(row, now)) this.endAll(id, 'expired');
      }
    } finally {
      this.sweeping = false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // A failed sweep (store briefly unavailable) is tried again on the next tick; sessions stay open.
      this.sweep().catch(() => {});
      if (this.byKey.size === 0) this.close();
    }, SESSION_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  private remove(keyId: number, session: Session): void {
    const sessions = this.byKey.get(keyId);
    if (!sessions) return;
    sessions.delete(session);
    if (sessions.size === 0) this.byKey.delete(keyId);
  }
}
