import http from 'node:http';
import https from 'node:https';
import type { KubeClients } from './client.js';
import { RUN_CONTAINER } from './sandbox/manifests.js';

/**
 * Follows the run container's log (`follow=true`) as it is written: one long request per follower, from the
 * log's start, at most `limitBytes`. Written on node's http(s) rather than client-node's Log, whose stream
 * emits an unhandled 'error' (a process crash) when it is aborted; here stop() simply ends the request.
 */

export interface LogFollow {
  /** Ends the request; no callback fires after it. */
  stop(): void;
}

export interface FollowHandlers {
  /** Text as it arrives (UTF-8, never split inside a character). */
  data(text: string): void;
  /** The log ended (container done, or the byte limit): `error` when the request failed instead. */
  end(error?: Error): void;
}

export async function followPodLog(
  kube: Pick<KubeClients, 'kc'>,
  namespace: string,
  podName: string,
  limitBytes: number,
  on: FollowHandlers,
): Promise<LogFollow> {
  const cluster = kube.kc.getCurrentCluster();
  if (!cluster) throw new Error('no current Kubernetes cluster');
  const url = new URL(
    `${cluster.server.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(podName)}/log`,
  );
  url.searchParams.set('container', RUN_CONTAINER);
  url.searchParams.set('follow', 'true');
  url.searchParams.set('limitBytes', String(limitBytes));
  const opts: https.RequestOptions = { method: 'GET', headers: {} };
  await kube.kc.applyToHTTPSOptions(opts);
  let done = false;
  // client-node made an agent for this request alone: it goes with the request.
  const close = () => {
    req.destroy();
    (opts.agent as http.Agent | undefined)?.destroy();
  };
  const finish = (error?: Error) => {
    if (done) return;
    done = true;
    close();
    on.end(error);
  };
  const req = (url.protocol === 'https:' ? https : http).request(url, opts, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      return finish(new Error(`pod log answered ${res.statusCode}`));
    }
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      if (!done) on.data(text);
    });
    res.on('end', () => finish());
    res.on('error', (err) => finish(err));
  });
  req.on('error', (err) => finish(err));
  req.end();
  return {
    stop() {
      done = true;
      close();
    },
  };
}
