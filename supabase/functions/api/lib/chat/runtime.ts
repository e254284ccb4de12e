/**
 * What every chat turn of one function instance shares: the privileged store, the registry
 * of running turns (stop flags, leases) and the Realtime Broadcast outbox. Built once per
 * app by createApp; routes reach it as `c.var.turns`.
 */
import type { Config } from '../../config.ts';
import type { AppDeps } from '../context.ts';
import type { Db } from '../db.ts';
import type { Logger } from '../log.ts';
import { createBroadcaster, type Broadcaster } from '../realtime-broadcast.ts';
import { TurnRegistry } from './turn-registry.ts';
import { TurnStore } from './turn-store.ts';

export interface TurnRuntime {
  store: TurnStore;
  registry: TurnRegistry;
  broadcaster: Broadcaster;
}

export function createTurnRuntime(config: Config, db: Db, deps: AppDeps, log: Logger): TurnRuntime {
  const store = new TurnStore(() => db.sql, config.prices);
  return {
    store,
    registry: new TurnRegistry({ store, log, leaseMs: config.limits.turnLeaseMs }),
    broadcaster: createBroadcaster({
      supabaseUrl: config.supabaseUrl, secretKey: config.secretKey, fetch: deps.fetch, log, minIntervalMs: config.limits.broadcastMinIntervalMs,
      sockets: { maxChannels: config.limits.broadcastSocketChannels, joinsPerSecond: config.limits.broadcastJoinsPerSecond },
    }),
  };
}
