// The iDempiere session: one login per process (one step when the server takes `parameters`, else two), the
// bearer token refreshed before it expires with the single-use refresh token (spent before it is sent, never
// sent twice), a fresh login when the chain is revoked, every waiting caller sharing one refresh or login
// (docs/idempiere.md, Authentication and tokens).
import type { Logger } from '@oms/logger';
import { IdempiereError } from './errors';
import type { Http, Opened } from './http';

export interface IdempiereLogin {
  userName: string;
  password: string;
  clientId: number;
  roleId: number;
  organizationId: number;
  warehouseId: number;
  language: string;
}

/** What the session needs besides the login: the refresh margin and a logger. */
export interface SessionOptions extends IdempiereLogin {
  /** Refresh this long before the access token expires (capped at a fifth of its lifetime). */
  refreshMarginMs?: number;
  log?: Logger;
}

interface Session {
  token: string;
  /** null once used: a refresh token is single-use and reusing one revokes the whole chain. */
  refreshToken: string | null;
  expiresAt: number;
  lifetimeMs: number;
  userId: number;
  clientId: number;
}

function jwtExpiry(token: string): number | null {
  const exp = jwtClaim(token, 'exp');
  return typeof exp === 'number' ? exp * 1000 : null;
}

function jwtClaim(token: string, name: string): unknown {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    return (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

/** The login, the current token and its renewal; `open` sends an authenticated request. */
export class TokenSession {
  private session: Session | null = null;
  private authFlight: Promise<Session> | null = null;
  private readonly marginMs: number;

  constructor(
    private readonly transport: Http,
    private readonly opts: SessionOptions,
    private readonly stats: { logins: number; refreshes: number },
  ) {
    this.marginMs = opts.refreshMarginMs ?? 60_000;
  }

  /** Logs in (one step when the server accepts `parameters`, else two steps). */
  private async login(): Promise<Session> {
    const o = this.opts;
    const params = {
      clientId: o.clientId,
      roleId: o.roleId,
      organizationId: o.organizationId,
      warehouseId: o.warehouseId,
      language: o.language,
    };
    this.stats.logins++;
    const first = (
      await this.transport.send('POST', 'auth/tokens', {
        userName: o.userName,
        password: o.password,
        parameters: params,
      })
    ).data as Record<string, unknown>;
    let reply = first;
    if (typeof first?.refresh_token !== 'string') {
      // Step 2: the step-1 token only selects the role; it cannot read models.
      if (typeof first?.token !== 'string')
        throw new IdempiereError('auth', 'iDempiere login: no token in the reply of POST auth/tokens');
      reply = (await this.transport.send('PUT', 'auth/tokens', params, first.token)).data as Record<string, unknown>;
    }
    const session = this.toSession(reply, 'login');
    this.opts.log?.info(
      { userId: session.userId, clientId: session.clientId, expiresAt: new Date(session.expiresAt).toISOString() },
      'logged in to iDempiere',
    );
    return session;
  }

  private toSession(reply: Record<string, unknown>, what: string): Session {
    const token = reply?.token;
    const refreshToken = reply?.refresh_token;
    if (typeof token !== 'string' || typeof refreshToken !== 'string') {
      throw new IdempiereError('auth', `iDempiere ${what}: the reply has no token or refresh_token`);
    }
    const now = Date.now();
    const expiresAt = jwtExpiry(token) ?? now + 60 * 60_000;
    const userId = Number(reply.userId ?? jwtClaim(token, 'AD_User_ID') ?? this.session?.userId);
    const clientId = Number(reply.clientId ?? jwtClaim(token, 'AD_Client_ID') ?? this.opts.clientId);
    return { token, refreshToken, expiresAt, lifetimeMs: Math.max(1_000, expiresAt - now), userId, clientId };
  }

  private async refresh(refreshToken: string, old: Session): Promise<Session> {
    this.stats.refreshes++;
    const reply = (
      await this.transport.send('POST', 'auth/refresh', {
        refresh_token: refreshToken,
        clientId: old.clientId,
        userId: old.userId,
      })
    ).data as Record<string, unknown>;
    const s = this.toSession({ userId: old.userId, clientId: old.clientId, ...reply }, 'refresh');
    this.opts.log?.debug({ expiresAt: new Date(s.expiresAt).toISOString() }, 'refreshed the iDempiere token');
    return s;
  }

  /** Single flight: every caller waiting for a token shares one refresh (or login). */
  private renew(): Promise<Session> {
    this.authFlight ??= (async () => {
      try {
        const old = this.session;
        if (old?.refreshToken) {
          const rt = old.refreshToken;
          old.refreshToken = null; // spent from now on, whatever happens
          try {
            this.session = await this.refresh(rt, old);
            return this.session;
          } catch (err) {
            // Revoked or expired chain: log in again. Other failures (iDempiere down) surface as they are.
            if (!(err instanceof IdempiereError) || err.kind !== 'auth') throw err;
            this.opts.log?.warn({ err: err.message }, 'iDempiere refresh refused; logging in again');
          }
        }
        this.session = null;
        this.session = await this.login();
        return this.session;
      } finally {
        this.authFlight = null;
      }
    })();
    return this.authFlight;
  }

  /**
   * The current access token, renewed first when it would not outlast `validForMs` (the timeout of the request it
   * is for) or the refresh margin. Capped at half the token's lifetime: a token that lives less than a request may
   * take is renewed once per half life, not before every request (docs/idempiere.md, "Authentication and tokens").
   */
  async token(validForMs = 0): Promise<string> {
    const s = this.session;
    if (s && !this.authFlight) {
      const margin = Math.min(this.marginMs, s.lifetimeMs / 5);
      const need = Math.min(Math.max(margin, validForMs), s.lifetimeMs / 2);
      if (Date.now() < s.expiresAt - need) return s.token;
    }
    return (await this.renew()).token;
  }

  /**
   * Authenticated request, resolved at the status line, with the token it went out with; a 401 with the current
   * token renews it once and repeats. The token is renewed first when it could expire before the request's timeout.
   */
  async open(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<Opened & { token: string }> {
    const validFor = timeoutMs ?? this.transport.timeoutMs;
    const token = await this.token(validFor);
    const first = await this.transport.open(method, path, body, token, timeoutMs);
    if (first.status !== 401) return { ...first, token };
    // 401 means the request was not executed, so repeating it is safe.
    await first.body().catch(() => undefined);
    await this.rejected(token);
    const again = await this.token(validFor);
    return { ...(await this.transport.open(method, path, body, again, timeoutMs)), token: again };
  }

  /** `token` was refused (401): renew it, unless another caller has already. */
  async rejected(token: string): Promise<void> {
    if (this.session?.token !== token) return;
    this.session.expiresAt = 0;
    await this.renew();
  }

  /** Whether `token` has expired by now (then iDempiere may have refused the items of a batch that came after). */
  expired(token: string): boolean {
    const exp = jwtExpiry(token);
    return exp !== null && exp <= Date.now();
  }

  /** Ends the session on the server (best effort); the next request logs in again. */
  async logout(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s) await this.transport.send('POST', 'auth/logout', { token: s.token }).catch(() => undefined);
  }
}
