import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';

/**
 * A local AWS API (moto's standalone server) for deploy-time tests: no AWS account and no
 * network beyond the loopback interface.
 */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the endpoint URL to give AWS SDK clients. */
  readonly endpoint: string;
  readonly port: number;
  /** Forgets every resource created so far, in every service. */
  reset(): Promise<void>;
  /** Kills the server (and its process group); safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartMotoServerOptions {
  /** How long to wait for the server to answer. @default 30_000 */
  readonly readyTimeoutMs?: number;
  /**
   * A hard limit on the server's life, enforced by coreutils `timeout`, so that it dies even when
   * the test process is killed without running its exit handlers.
   * @default 600
   */
  readonly maxLifetimeSeconds?: number;
}

export const MOTO_REGION = 'us-east-1';

/** Credentials moto accepts (it checks no signatures); its account is then 123456789012. */
export const DUMMY_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The configuration of an AWS SDK v3 client that talks to `moto`. */
export function motoClientConfig(moto: { readonly endpoint: string }) {
  return { endpoint: moto.endpoint, region: MOTO_REGION, credentials: DUMMY_CREDENTIALS };
}

/**
 * Environment variables under which code that builds its own AWS SDK v3 clients (such as a Lambda
 * handler) sends every call to `endpoint`. Shared config files are pointed away so that nothing
 * on this machine changes the region, credentials or endpoint.
 */
export function awsEnvironmentFor(endpoint: string): Record<string, string | undefined> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
  };
}

/** Sets `variables` in `process.env` (undefined unsets); returns a function that restores them. */
export function setEnvironment(variables: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
  apply(variables);
  return () => apply(saved);
}

/** Starts `moto_server` on a free port of 127.0.0.1 and waits until it answers. */
export async function startMotoServer(options: StartMotoServerOptions = {}): Promise<MotoServer> {
  const motoServer = findOnPath('moto_server');
  if (!motoServer) {
    throw new Error('moto_server is not on PATH. Install it with: pip install "moto[server]"');
  }
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let lastError: unknown;
  // Another process can take the free port between our probe and moto's bind: try a few ports.
  for (let attempt = 0; attempt < 3 && Date.now() < deadline; attempt++) {
    const port = await freeLoopbackPort();
    const server = launch(motoServer, port, options.maxLifetimeSeconds ?? 600);
    try {
      await server.ready(deadline);
      return server;
    } catch (error) {
      lastError = error;
      await server.stop();
    }
  }
  throw new Error(`moto_server did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

interface LaunchedServer extends MotoServer {
  ready(deadline: number): Promise<void>;
}

function launch(motoServer: string, port: number, maxLifetimeSeconds: number): LaunchedServer {
  const command = [motoServer, '-H', '127.0.0.1', '-p', String(port)];
  const timeout = findOnPath('timeout');
  // `timeout` kills the server after maxLifetimeSeconds even if our exit handler never runs
  // (SIGKILL of the test process); --kill-after covers a server that ignores SIGTERM.
  const [file, ...args] = timeout
    ? [timeout, '--kill-after=10', String(maxLifetimeSeconds), ...command]
    : command;
  // Its own process group, so that stop() reaches moto behind the `timeout` and pyenv wrappers.
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    output.splice(0, Math.max(0, output.length - 50));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = child.exitCode !== null;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  // A forgotten server must not keep the test process alive; the exit handler then kills it.
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    async ready(deadline: number) {
      while (Date.now() < deadline) {
        if (exited) {
          throw new Error(`it exited with code ${child.exitCode}:\n${output.join('')}`);
        }
        if (await answers(`${endpoint}/moto-api/`)) {
          return;
        }
        await sleep(200);
      }
      throw new Error(`no answer on ${endpoint} in time:\n${output.join('')}`);
    },
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      if (!response.ok) {
        throw new Error(`moto reset answered ${response.status}`);
      }
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (exited) {
        return;
      }
      killGroup(child, 'SIGTERM');
      // A pending timer would keep the test process alive after the server is gone.
      const escalation = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(escalation);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

async function freeLoopbackPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One request that passed through a `RequestRecorder`. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The API action: the `Action` of a query-protocol call (EC2, ELBv2), else `X-Amz-Target`. */
  readonly action?: string;
  readonly body: string;
  /** The status moto answered with. */
  readonly status: number;
}

/**
 * A loopback proxy in front of moto that records every call, to assert which AWS calls code
 * under test made (and that none failed). Point the code under test at `endpoint`.
 */
export interface RequestRecorder {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

export async function startRequestRecorder(target: string): Promise<RequestRecorder> {
  const targetUrl = new URL(target);
  const requests: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = http.request({
        hostname: targetUrl.hostname,
        port: targetUrl.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      }, (answer) => {
        requests.push({
          method: request.method ?? '',
          path: request.url ?? '',
          action: actionOf(body.toString(), request.headers['x-amz-target']),
          body: body.toString(),
          status: answer.statusCode ?? 0,
        });
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      forward.on('error', (error) => {
        response.writeHead(502);
        response.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    async stop() {
      // SDK clients keep connections alive; close() alone would wait for them.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function actionOf(body: string, target: string | string[] | undefined): string | undefined {
  const action = new URLSearchParams(body).get('Action');
  if (action) return action;
  return typeof target === 'string' ? target : undefined;
}
