import { Router, type Context } from 'zeromq';

/** Where libzmq asks a context's authentication handler (ZAP, RFC 27) about every handshake. */
const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';

/** A running ZAP handler. */
export interface ZapHandler {
  close(): void;
}

/**
 * Answers a context's ZAP requests: 200 where `accept(mechanism, credentials)` holds, else 400 (the handshake fails,
 * and the socket reports handshake:error:auth). One context has one handler, so each tcp-plain scheduler has its own.
 */
export async function startZapHandler(context: Context, accept: (mechanism: string, credentials: readonly Buffer[]) => boolean): Promise<ZapHandler> {
  const router = new Router({ context, linger: 0 });
  await router.bind(ZAP_ENDPOINT);
  void (async () => {
    try {
      // A request: routing id, empty delimiter, version, request id, domain, address, identity, mechanism, credentials…
      for await (const [id, , version, requestId, , , , mechanism, ...credentials] of router) {
        if (id === undefined || requestId === undefined) continue;
        const ok = version?.toString() === '1.0' && accept(mechanism?.toString() ?? '', credentials);
        await router.send([id, Buffer.alloc(0), Buffer.from('1.0'), requestId, Buffer.from(ok ? '200' : '400'), Buffer.from(ok ? 'OK' : 'not this run'), Buffer.alloc(0), Buffer.alloc(0)]);
      }
    } catch {
      // The handler closed with its scheduler.
    }
  })();
  return { close: () => router.close() };
}
