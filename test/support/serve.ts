import { createServer, type RequestListener, type Server } from 'node:http';
import { listen } from '../../src/obs/metrics-server.js';

/** Serves an app (Express or any request listener) on a free loopback port: its server and base URL. */
export async function serveLocal(app: RequestListener): Promise<{ server: Server; base: string }> {
  const server = createServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  return { server, base: `http://127.0.0.1:${port}` };
}
