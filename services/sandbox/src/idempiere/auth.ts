// Authentication as the REST plugin does it (AuthServiceImpl, RequestFilter, MRefreshToken): HS512 JWTs with
// kid "idempiere" and iss "idempiere.org", a role-less step-1 token that only works on /auth/*, final tokens with
// the login claims, and single-use refresh tokens whose reuse revokes the whole chain ("breach").
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { LoginContext } from './models';
import { errorBody } from './reply';
import { SEED } from './seed';
import { RestError } from './store';

export interface AuthConfig {
  tokenExpiresInSeconds: number; // REST_TOKEN_EXPIRE_IN_MINUTES 60
  refreshTokenExpiresInSeconds: number; // REST_REFRESH_TOKEN_EXPIRE_IN_MINUTES 1440 (inactivity)
  absoluteExpiresInSeconds: number; // REST_TOKEN_ABSOLUTE_EXPIRE_IN_MINUTES 10080
}

export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  tokenExpiresInSeconds: 60 * 60,
  refreshTokenExpiresInSeconds: 1440 * 60,
  absoluteExpiresInSeconds: 10080 * 60,
};

interface Claims {
  sub: string;
  iss: string;
  exp: number;
  jti: string;
  Clients?: string;
  AD_Client_ID?: number;
  AD_User_ID?: number;
  AD_Role_ID?: number;
  AD_Org_ID?: number;
  M_Warehouse_ID?: number;
  AD_Language?: string;
  AD_Session_ID?: number;
  [k: string]: unknown;
}

interface RefreshEntry {
  chain: string;
  accessJti: string;
  used: boolean;
  clientId: number;
  userId: number;
  lastUsed: number;
  absoluteExpiresAt: number;
  claims: Claims;
}

// The sandbox knows one login user; roles, orgs and warehouses as GardenWorld has them.
const USERS = [{ name: SEED.userName, password: SEED.password, userId: SEED.userId, clients: [SEED.clientId] }];
const CLIENTS = [{ id: SEED.clientId, name: 'GardenWorld', value: 'GardenWorld' }];
const ROLES: { id: number; name: string; orgs: number[] }[] = [
  { id: SEED.roleAdmin, name: 'GardenWorld Admin', orgs: [SEED.orgHQ, SEED.orgStore] },
  { id: SEED.roleUser, name: 'GardenWorld User', orgs: [SEED.orgHQ, SEED.orgStore] },
];
const ORGS: { id: number; name: string; warehouses: number[] }[] = [
  { id: SEED.orgHQ, name: 'HQ', warehouses: [SEED.warehouseHQ] },
  { id: SEED.orgStore, name: 'Store Central', warehouses: [SEED.warehouseStore] },
];
const WAREHOUSES = [
  { id: SEED.warehouseHQ, name: 'HQ Warehouse' },
  { id: SEED.warehouseStore, name: 'Store Central' },
];
const LANGUAGES = ['en_US', 'zh_TW'];

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

const authError = (detail: string) => new RestError(401, 'Authenticate error', detail);

export class Auth {
  private secret = randomBytes(64);
  private refresh = new Map<string, RefreshEntry>();
  private revokedChains = new Set<string>();
  private chainOfAccess = new Map<string, string>();
  private sessionSeq = 1_000_000;
  config: AuthConfig = { ...DEFAULT_AUTH_CONFIG };

  // ------------------------------------------------------------------ JWT

  sign(claims: Omit<Claims, 'iss' | 'exp' | 'jti'>, expiresInSeconds: number): { token: string; claims: Claims } {
    const full: Claims = {
      ...claims,
      iss: 'idempiere.org',
      exp: Math.floor(Date.now() / 1000) + expiresInSeconds,
      jti: randomUUID(),
    } as Claims;
    const header = b64url(JSON.stringify({ kid: 'idempiere', typ: 'JWT', alg: 'HS512' }));
    const payload = b64url(JSON.stringify(full));
    const sig = createHmac('sha512', this.secret).update(`${header}.${payload}`).digest('base64url');
    return { token: `${header}.${payload}.${sig}`, claims: full };
  }

  /** Verifies signature, issuer and expiry; throws 401 with the verifier's message as title. */
  verify(token: string, checkExpiry = true, now = Date.now()): Claims {
    const parts = token.split('.');
    if (parts.length !== 3)
      throw new RestError(401, 'The token was expected to have 3 parts, but got ' + parts.length + '.', '');
    const [h, p, s] = parts as [string, string, string];
    const expected = createHmac('sha512', this.secret).update(`${h}.${p}`).digest();
    let given: Buffer;
    try {
      given = Buffer.from(s, 'base64url');
    } catch {
      given = Buffer.alloc(0);
    }
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new RestError(
        401,
        "The Token's Signature resulted invalid when verified using the Algorithm: HmacSHA512",
        '',
      );
    }
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Claims;
    } catch {
      throw new RestError(401, 'The string is not a valid JSON', '');
    }
    if (claims.iss !== 'idempiere.org')
      throw new RestError(401, "The Claim 'iss' value doesn't match the required issuer.", '');
    if (checkExpiry && typeof claims.exp === 'number' && claims.exp * 1000 <= now) {
      throw new RestError(
        401,
        `The Token has expired on ${new Date(claims.exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}.`,
        '',
      );
    }
    return claims;
  }

  /**
   * The request filter: Bearer header required (else 401 with an empty body: returns null), token valid and not
   * revoked. roleRequired: the step-1 token (no AD_Role_ID) is refused outside /auth/*.
   */
  authenticate(header: string | undefined, roleRequired: boolean, now = Date.now()): Claims | null {
    if (!header || !/^Bearer\s+\S+/i.test(header)) return null;
    const token = header.replace(/^Bearer\s+/i, '').trim();
    const claims = this.verify(token, true, now);
    if (claims.kind === 'refresh') throw new RestError(401, 'Invalid token', 'A refresh token is not an access token');
    const chain = this.chainOfAccess.get(claims.jti);
    if (chain && this.revokedChains.has(chain))
      throw new RestError(401, 'Invalid token', 'The token was revoked: log in again');
    if (roleRequired && (claims.AD_Role_ID === undefined || claims.AD_Client_ID === undefined)) {
      throw new RestError(
        401,
        'Unauthorized',
        'The token has no role: select client and role with PUT /api/v1/auth/tokens first',
      );
    }
    return claims;
  }

  /**
   * The request filter on one batch item: BatchRequestResourseImpl#processBatch builds a ContainerRequest per item
   * with the batch's headers, so RequestFilter runs again when the item starts (`at`). The item's 401 reply, or
   * null while the token holds (docs/idempiere.md, "Authentication and tokens").
   */
  itemFilter(header: string | undefined, at: number): { status: number; body: unknown } | null {
    try {
      return this.authenticate(header, true, at) ? null : { status: 401, body: '' };
    } catch (err) {
      if (err instanceof RestError) return { status: err.status, body: errorBody(err) };
      throw err;
    }
  }

  loginContext(claims: Claims): LoginContext {
    return {
      clientId: claims.AD_Client_ID ?? 0,
      roleId: claims.AD_Role_ID ?? 0,
      orgId: claims.AD_Org_ID ?? 0,
      warehouseId: claims.M_Warehouse_ID ?? 0,
      userId: claims.AD_User_ID ?? 0,
      language: claims.AD_Language ?? 'en_US',
    };
  }

  // ------------------------------------------------------------------ endpoints

  /** POST /auth/tokens */
  login(body: unknown): Record<string, unknown> {
    const b = (body ?? {}) as Record<string, unknown>;
    const user = USERS.find((u) => u.name === b.userName && u.password === b.password);
    if (!user) throw authError('User or password is not valid. Please try again or contact your system administrator.');
    if (b.parameters && typeof b.parameters === 'object') {
      return this.loginParameters(b.parameters as Record<string, unknown>, user.name, user.clients);
    }
    const { token } = this.sign({ sub: user.name, Clients: user.clients.join(',') }, this.config.tokenExpiresInSeconds);
    // GardenAdmin has two roles, so the reply is step 1 only: clients and a role-less token.
    return {
      clients: CLIENTS.filter((c) => user.clients.includes(c.id)).map((c) => ({ id: c.id, name: c.name })),
      token,
    };
  }

  /** PUT /auth/tokens with the step-1 token */
  selectRole(claims: Claims, body: unknown): Record<string, unknown> {
    const clients = String(claims.Clients ?? claims.AD_Client_ID ?? '')
      .split(',')
      .filter(Boolean)
      .map(Number);
    return this.loginParameters((body ?? {}) as Record<string, unknown>, claims.sub, clients);
  }

  private loginParameters(p: Record<string, unknown>, userName: string, clients: number[]): Record<string, unknown> {
    const user = USERS.find((u) => u.name === userName)!;
    const out: Record<string, unknown> = {};
    const asStr = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
    // client
    let clientId: number;
    const cs = asStr(p.clientId);
    if (!cs) {
      if (clients.length !== 1) throw authError('Invalid clientId');
      clientId = clients[0]!;
      out.clientId = clientId;
    } else if (/^\d+$/.test(cs)) {
      clientId = Number(cs);
    } else {
      const c = CLIENTS.find((x) => x.value === cs);
      if (!c) throw authError('Client value not found');
      clientId = c.id;
      out.clientId = clientId;
    }
    if (!clients.includes(clientId)) throw authError('Invalid clientId');
    out.userId = user.userId;
    // role
    let roleId: number;
    const rs = asStr(p.roleId);
    if (!rs) throw authError('Missing roleId parameter');
    if (/^\d+$/.test(rs)) roleId = Number(rs);
    else {
      const r = ROLES.find((x) => x.name === rs);
      if (!r) throw authError('Role name not found');
      roleId = r.id;
      out.roleId = roleId;
    }
    const role = ROLES.find((r) => r.id === roleId);
    if (!role) throw authError('Invalid roleId');
    // organization
    let orgId: number;
    const os = asStr(p.organizationId);
    if (!os) {
      if (role.orgs.length !== 1) throw authError('Missing organizationId parameter');
      orgId = role.orgs[0]!;
      out.organizationId = orgId;
    } else if (/^\d+$/.test(os)) orgId = Number(os);
    else {
      const o = ORGS.find((x) => x.name === os);
      if (!o) throw authError('Organization name not found');
      orgId = o.id;
      out.organizationId = orgId;
    }
    const org = ORGS.find((o) => o.id === orgId);
    if (!org || !role.orgs.includes(orgId)) throw authError('Invalid organizationId');
    // warehouse (optional; defaults to the org's)
    let warehouseId: number;
    const ws = asStr(p.warehouseId);
    if (!ws) {
      warehouseId = org.warehouses[0] ?? 0;
      if (warehouseId) out.warehouseId = warehouseId;
    } else if (/^\d+$/.test(ws)) warehouseId = Number(ws);
    else {
      const w = WAREHOUSES.find((x) => x.name === ws);
      if (!w) throw authError('Warehouse name not found');
      warehouseId = w.id;
      out.warehouseId = warehouseId;
    }
    if (warehouseId > 0 && !org.warehouses.includes(warehouseId)) throw authError('Invalid warehouseId');
    const lang = asStr(p.language);
    const language = LANGUAGES.includes(lang) ? lang : SEED.language;
    out.language = language;
    out.menuTreeId = 10;
    const claims = {
      sub: userName,
      AD_Client_ID: clientId,
      AD_User_ID: user.userId,
      AD_Role_ID: roleId,
      AD_Org_ID: orgId,
      ...(warehouseId > 0 ? { M_Warehouse_ID: warehouseId } : {}),
      AD_Language: language,
      AD_Session_ID: this.sessionSeq++,
    };
    const chain = randomUUID();
    const issued = this.issue(claims, chain, Date.now() + this.config.absoluteExpiresInSeconds * 1000);
    return { ...out, token: issued.token, refresh_token: issued.refresh_token };
  }

  private issue(claims: Omit<Claims, 'iss' | 'exp' | 'jti'>, chain: string, absoluteExpiresAt: number) {
    const access = this.sign(claims, this.config.tokenExpiresInSeconds);
    this.chainOfAccess.set(access.claims.jti, chain);
    const refresh = this.sign(
      { sub: claims.sub, kind: 'refresh' },
      Math.max(1, Math.floor((absoluteExpiresAt - Date.now()) / 1000)),
    );
    this.refresh.set(refresh.token, {
      chain,
      accessJti: access.claims.jti,
      used: false,
      clientId: claims.AD_Client_ID as number,
      userId: claims.AD_User_ID as number,
      lastUsed: Date.now(),
      absoluteExpiresAt,
      claims: access.claims,
    });
    return { token: access.token, refresh_token: refresh.token };
  }

  /** POST /auth/refresh {refresh_token, clientId, userId} */
  refreshToken(body: unknown): Record<string, unknown> {
    const b = (body ?? {}) as Record<string, unknown>;
    if (b.clientId === undefined || b.clientId === null) throw authError('No clientId provided');
    if (b.userId === undefined || b.userId === null) throw authError('No userId provided');
    const token = typeof b.refresh_token === 'string' ? b.refresh_token : '';
    const entry = this.refresh.get(token);
    if (entry?.used) {
      // Reuse of a spent refresh token: a breach. Everything issued in this login chain stops working.
      this.revokedChains.add(entry.chain);
      throw authError('Invalid refresh token');
    }
    try {
      this.verify(token);
    } catch (err) {
      throw authError(err instanceof RestError ? err.title : 'Invalid refresh token');
    }
    if (!entry || this.revokedChains.has(entry.chain)) throw authError('Invalid refresh token');
    const now = Date.now();
    if (now - entry.lastUsed > this.config.refreshTokenExpiresInSeconds * 1000 || now > entry.absoluteExpiresAt)
      throw authError('Invalid refresh token');
    if (Number(b.clientId) !== entry.clientId || Number(b.userId) !== entry.userId)
      throw authError('Invalid refresh token');
    entry.used = true;
    const { iss: _i, exp: _e, jti: _j, ...claims } = entry.claims;
    const issued = this.issue(claims as Claims, entry.chain, entry.absoluteExpiresAt);
    return { token: issued.token, refresh_token: issued.refresh_token };
  }

  /** POST /auth/logout {token}: the token's chain stops working. */
  logout(body: unknown): Record<string, unknown> {
    const b = (body ?? {}) as Record<string, unknown>;
    const token = typeof b.token === 'string' ? b.token : '';
    const claims = this.verify(token, false);
    const chain = this.chainOfAccess.get(claims.jti);
    if (chain) this.revokedChains.add(chain);
    return { summary: 'OK' };
  }

  roles(claims: Claims, client: number): Record<string, unknown> {
    this.checkClient(claims, client);
    return { roles: ROLES.map((r) => ({ id: r.id, name: r.name })) };
  }

  organizations(claims: Claims, client: number, role: number): Record<string, unknown> {
    this.checkClient(claims, client);
    const r = ROLES.find((x) => x.id === role);
    if (!r) throw authError('Invalid role');
    return { organizations: ORGS.filter((o) => r.orgs.includes(o.id)).map((o) => ({ id: o.id, name: o.name })) };
  }

  warehouses(claims: Claims, client: number, role: number, org: number): Record<string, unknown> {
    this.checkClient(claims, client);
    const r = ROLES.find((x) => x.id === role);
    if (!r) throw authError('Invalid role');
    const o = ORGS.find((x) => x.id === org);
    if (!o || !r.orgs.includes(org)) throw authError('Invalid organization');
    return {
      warehouses: WAREHOUSES.filter((w) => o.warehouses.includes(w.id)).map((w) => ({ id: w.id, name: w.name })),
    };
  }

  language(client: number): Record<string, unknown> {
    if (!CLIENTS.some((c) => c.id === client)) throw new RestError(400, 'Bad Request', `Unknown client ${client}`);
    return { AD_Language: SEED.language };
  }

  private checkClient(claims: Claims, client: number): void {
    const clients = String(claims.Clients ?? claims.AD_Client_ID ?? '')
      .split(',')
      .map(Number);
    if (!clients.includes(client)) throw authError('Invalid client');
  }
}
