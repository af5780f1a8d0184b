// The only module that imports the adapters (adapters/<kind>/): everything else asks for one by platform kind.
import type { PlatformKind } from '@oms/core';
import type { PlatformAdapter } from './adapter';
import { CyberbizAdapter } from './adapters/cyberbiz';
import { MomoAdapter } from './adapters/momo';
import { ShopeeAdapter } from './adapters/shopee';
import { ShoplineAdapter } from './adapters/shopline';
import { DEFAULT_TIMEOUT_MS } from './http';

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
