import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { pageOf, WebServer } from '../../integ/web-server';

/*
 * Runs the HTTPS web server of the integ tests (its user data's certificate command and Python
 * server, as the instance runs them) on loopback: it must survive the NLB's TCP health checks,
 * which connect and close without a handshake, and then serve its page over TLS with the
 * self-signed certificate, as the consumer's ALB asks for it without validating it.
 */

const SERVER_TIMEOUT_MS = 20_000;

/** The commands of a TLS WebServer's user data, with its files moved under `root` and its socket on loopback. */
function tlsCommandsOf(root: string): { certificate: string; script: string } {
  const stack = new Stack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const server = new WebServer(stack, 'Secure', {
    vpc, subnet: vpc.isolatedSubnets[0], securityGroup: new ec2.SecurityGroup(stack, 'Group', { vpc }), section: 'secure', serverName: 'secure-server', port: 8443, tls: true,
  });
  const lines = server.userData.render().split('\n').map((line) => line.split('/etc/web').join(path.join(root, 'etc')).split('/var/www').join(path.join(root, 'www')));
  const certificate = lines.find((line) => line.startsWith('openssl req '));
  const start = lines.findIndex((line) => line.includes("server.py <<'PY'"));
  const end = lines.indexOf('PY', start);
  if (certificate === undefined || start === -1 || end === -1) throw new Error('the user data has no certificate command or TLS server');
  return { certificate, script: lines.slice(start + 1, end).join('\n').replace("(('', ", "(('127.0.0.1', ") };
}

const freePort = () => new Promise<number>((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as net.AddressInfo;
    probe.close(() => resolve(port));
  });
});

const connectAndClose = (port: number) => new Promise<void>((resolve, reject) => {
  const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(); });
  socket.on('error', reject);
});

const get = (port: number) => new Promise<{ status: number; body: string }>((resolve, reject) => {
  https.get({ host: '127.0.0.1', port, path: '/secure/', rejectUnauthorized: false, timeout: 5_000 }, (response) => {
    let body = '';
    response.on('data', (chunk) => { body += chunk; });
    response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
  }).on('error', reject);
});

let server: ChildProcess | undefined;
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'web-tls-'));
});

afterAll(() => {
  server?.kill();
  fs.rmSync(root, { recursive: true, force: true });
});

test('the TLS web server outlives TCP health checks and serves its page over HTTPS with its self-signed certificate', async () => {
  const { certificate, script } = tlsCommandsOf(root);
  fs.mkdirSync(path.join(root, 'etc'));
  fs.mkdirSync(path.join(root, 'www', 'secure'), { recursive: true });
  fs.writeFileSync(path.join(root, 'www', 'secure', 'index.html'), `${pageOf('secure', 'secure-server', 'i-0123456789abcdef0')}\n`);
  execFileSync('bash', ['-c', certificate], { stdio: 'ignore', timeout: SERVER_TIMEOUT_MS });
  const scriptPath = path.join(root, 'etc', 'server.py');
  fs.writeFileSync(scriptPath, script);
  const port = await freePort();
  server = spawn('python3', [scriptPath, String(port)], { stdio: 'ignore', timeout: SERVER_TIMEOUT_MS });

  const deadline = Date.now() + SERVER_TIMEOUT_MS;
  for (;;) {
    try {
      await connectAndClose(port);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  for (let check = 0; check < 3; check++) await connectAndClose(port);
  // A connection that sends nothing, as a slow client or a check in flight, holds up no other.
  const idle = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => idle.once('connect', resolve));
  try {
    await expect(get(port)).resolves.toEqual({ status: 200, body: `${pageOf('secure', 'secure-server', 'i-0123456789abcdef0')}\n` });
  } finally {
    idle.destroy();
  }
}, 30_000);
