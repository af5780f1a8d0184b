// momo SCM supplier API (docs/platforms.md, "momo"): POST /OrderServlet.do {doAction, loginInfo,
// sendInfo|sendInfoList}, loginInfo checked on every call, queries over 轉單日 with split date/hour/minute fields
// (Taipei) and a two-month maximum, no paging, unsendCompanyQuery's dataList AES-encrypted, per-row confirmation
// results. Vendor delivery in every stage: unsend (paid), sending (shipped or delivered), stop (intercepted:
// cancelled, no window), recover (returns awaiting pickup). Row fields mirror each doAction's names.
// request.ts reads what every call shares, queries.ts answers the queries, confirm.ts the confirmation, crypto.ts
// encrypts.
import type { FastifyInstance } from 'fastify';
import { installFaults } from '../../http/faults.ts';
import type { SandboxContext } from '../common.ts';
import { unsendCompanyConfirm } from './confirm.ts';
import { recoverCompanyQuery, sendingCompanyQuery, stopSendingQuery, unsendCompanyQuery } from './queries.ts';
import { fail } from './request.ts';

export { MOMO_CARRIERS } from './confirm.ts';
export { momoDecrypt, momoEncrypt, momoKey } from './crypto.ts';
export { sendingRemark } from './queries.ts';

export async function registerMomo(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const p = ctx.world.platform('momo');
  installFaults(app, ctx.faults.momo, {
    // momo's rate-limit answer is undocumented [INF]: HTTP 429 with a validation-style message list.
    rateLimited: (reply) => reply.code(429).send({ basicCheckMsgList: ['查詢過於頻繁，請稍後再試'] }),
    serverError: (reply) => reply.code(500).type('text/plain; charset=utf-8').send('ERROR'),
  });

  app.post('/OrderServlet.do', async (req, reply) => {
    const b = req.body;
    if (!b || typeof b !== 'object') return fail(reply, '請求格式錯誤');
    const body = b as Record<string, unknown>;
    const login = (body.loginInfo ?? null) as Record<string, unknown> | null;
    if (!login || typeof login !== 'object') return fail(reply, 'loginInfo 為必填');
    const store = p.stores.find(
      (s) => s.login.entpCode === String(login.entpCode ?? '') && s.login.entpID === String(login.entpID ?? ''),
    );
    if (!store) return fail(reply, '查無此供應商');
    if (store.login.entpPwd !== String(login.entpPwd ?? '')) return fail(reply, '密碼錯誤'); // wording [INF]
    if (store.login.otpBackNo !== String(login.otpBackNo ?? '')) return fail(reply, 'OTP 後三碼錯誤'); // wording [INF]
    switch (body.doAction) {
      case 'unsendCompanyQuery':
        return unsendCompanyQuery(store, body, reply);
      case 'unsendCompanyConfirm':
        return unsendCompanyConfirm(ctx, store, body, reply);
      case 'sendingCompanyQuery':
        return sendingCompanyQuery(store, body, reply);
      case 'stopSendingQuery':
        return stopSendingQuery(store, body, reply);
      case 'recoverCompanyQuery':
        return recoverCompanyQuery(store, body, reply);
      default:
        return fail(reply, `doAction 錯誤: ${String(body.doAction ?? '')}`);
    }
  });

  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).type('text/html').send('<html><body>404 Not Found</body></html>'),
  );
  app.setErrorHandler((e: Error & { statusCode?: number }, _req, reply) => {
    if (e.statusCode && e.statusCode < 500) return reply.send({ basicCheckMsgList: [`請求格式錯誤: ${e.message}`] });
    ctx.logger?.error({ err: e }, 'momo sandbox error');
    return reply.code(500).type('text/plain').send('ERROR');
  });
}
