import type { PlatformKind } from '@oms/core';
import type { PlatformAdapter } from './adapter';
import { CyberbizAdapter } from './cyberbiz';
import { DEFAULT_TIMEOUT_MS } from './http';
import { MomoAdapter } from './momo';
import { ShopeeAdapter } from './shopee';
import { ShoplineAdapter } from './shopline';

const cache = new Map<string, PlatformAdapter>();

/**
 * The adapter of a platform kind (one instance per kind and timeout). Cyberbiz v1/v2 is one adapter that
 * reads platform.apiVersion of the store it is given.
 */
export function getAdapter(kind: PlatformKind, opts: { timeoutMs?: number } = {}): PlatformAdapter {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const key = `${kind}:${timeoutMs}`;
  let a = cache.get(key);
  if (!a) {
    switch (kind) {
      case 'shopee':
        a = new ShopeeAdapter({ timeoutMs });
        break;
      case 'cyberbiz':
        a = new CyberbizAdapter({ timeoutMs });
        break;
      case 'shopline':
        a = new ShoplineAdapter({ timeoutMs });
        break;
      case 'momo':
        a = new MomoAdapter({ timeoutMs });
        break;
      default:
        throw new Error(`no adapter for platform "${String(kind)}"`);
    }
    cache.set(key, a);
  }
  return a;
}
