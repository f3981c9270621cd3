import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The newest Amazon Linux 2023 image for arm64, by the public SSM parameter that names it, resolved by EC2 at launch. */
const LAUNCH_TIME_IMAGE = ec2.MachineImage.resolveSsmParameterAtLaunch(
  '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64', { os: ec2.OperatingSystemType.LINUX });

/** Properties of a `WebServer`. */
export interface WebServerProps {
  readonly vpc: ec2.IVpc;
  readonly subnet: ec2.ISubnet;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Shown in the page and used as the URL path the page is served under: `/<section>/`. */
  readonly section: string;
  /** Shown in the page, so a test can tell which server answered. */
  readonly serverName: string;
  /** @default 80 */
  readonly port?: number;
  /**
   * More URL paths (`/<path>/`) that serve the same page, so a test can tell which server a
   * route reaches there.
   * @default - none
   */
  readonly alsoServes?: string[];
  /**
   * Serve HTTPS with a self-signed certificate made at boot (the consumer's ALB does not validate
   * a target's certificate), rather than HTTP.
   * @default false
   */
  readonly tls?: boolean;
}

/**
 * Python's http.server behind TLS, which its command line cannot do. The handshake waits for the
 * first read, in the request's thread, so that the NLB's TCP health checks, which connect and
 * close, never hold up the server.
 */
const TLS_SERVER = [
  'import functools, http.server, ssl, sys',
  "handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory='/var/www')",
  "server = http.server.ThreadingHTTPServer(('', int(sys.argv[1])), handler)",
  'context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)',
  "context.load_cert_chain('/etc/web/cert.pem', '/etc/web/key.pem')",
  'server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)',
  'server.serve_forever()',
];

/**
 * A t4g.nano Amazon Linux 2023 instance serving "<section>: <serverName> answered" at `/` (for
 * health checks) and `/<section>/`, with the image's own python3: no package download, so it
 * works in isolated subnets without a NAT gateway.
 */
export class WebServer extends ec2.Instance {
  constructor(scope: Construct, id: string, props: WebServerProps) {
    const port = props.port ?? 80;
    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      'set -eu',
      'TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 60")',
      'INSTANCE_ID=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)',
      ...[props.section, ...props.alsoServes ?? []].map((section) => `mkdir -p /var/www/${section}`),
      // The shell fills in $INSTANCE_ID; echo adds a newline after the page.
      `PAGE="${pageOf(props.section, props.serverName, '$INSTANCE_ID')}"`,
      'echo "$PAGE" > /var/www/index.html',
      ...[props.section, ...props.alsoServes ?? []].map((section) => `echo "$PAGE" > /var/www/${section}/index.html`),
      ...props.tls ? [
        'mkdir -p /etc/web',
        `openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=${props.serverName}" -keyout /etc/web/key.pem -out /etc/web/cert.pem`,
        "cat > /etc/web/server.py <<'PY'",
        ...TLS_SERVER,
        'PY',
      ] : [],
      "cat > /etc/systemd/system/web.service <<'UNIT'",
      '[Unit]',
      'Description=Example web server',
      'After=network-online.target',
      '[Service]',
      // http.server speaks HTTP/1.0 and closes every connection, so each request is a new flow
      // through the NLB and repeated requests spread over the instances.
      props.tls ? `ExecStart=/usr/bin/python3 /etc/web/server.py ${port}` : `ExecStart=/usr/bin/python3 -m http.server ${port} --directory /var/www`,
      'Restart=always',
      '[Install]',
      'WantedBy=multi-user.target',
      'UNIT',
      'systemctl daemon-reload',
      'systemctl enable --now web.service',
    );
    super(scope, id, {
      vpc: props.vpc,
      vpcSubnets: { subnets: [props.subnet] },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      machineImage: LAUNCH_TIME_IMAGE,
      securityGroup: props.securityGroup,
      associatePublicIpAddress: false,
      userData,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true }) }],
    });
    // The image comes from a launch template that names it by its SSM parameter, which EC2
    // resolves when the instance launches, not CloudFormation on every deploy: a newer image
    // published by AWS then never replaces running servers (all four at once, and in the
    // producer-stack test an instance whose ID another stack imports). EC2 accepts such an image
    // ID in a launch template, so the instance itself names none.
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-launch-template.html#use-an-ssm-parameter-instead-of-an-ami-id
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', { machineImage: LAUNCH_TIME_IMAGE, requireImdsv2: true });
    this.instance.imageId = undefined;
    this.instance.launchTemplate = { launchTemplateId: launchTemplate.launchTemplateId, version: launchTemplate.latestVersionNumber };
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-EC28', reason: 'Example web server: basic monitoring is enough for a demo page, and detailed monitoring costs extra.' },
      { id: 'AwsSolutions-EC29', reason: 'Example web server: cdk destroy and integ-runner must be able to terminate it.' },
    );
  }
}

/**
 * The page a `WebServer` serves, without the newline `echo` adds; tests match assertions against
 * it, so it must stay the one source of the text.
 */
export function pageOf(section: string, serverName: string, instanceId: string): string {
  return `<h1>${section}</h1><p>${serverName} (${instanceId}) answered.</p>`;
}

/** A VPC with isolated subnets only (no NAT, no internet gateway) in two Availability Zones. */
export function isolatedVpc(scope: Construct, id: string, cidr: string): ec2.Vpc {
  return withoutFlowLogs(new ec2.Vpc(scope, id, {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'web', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  }));
}

/** A consumer VPC: public subnets for the ALB, isolated ones for the endpoints. */
export function consumerVpc(scope: Construct, id: string, cidr: string, ipProtocol?: ec2.IpProtocol): ec2.Vpc {
  return withoutFlowLogs(new ec2.Vpc(scope, id, {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    ipProtocol,
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      // Only the ALB lives here, and it needs no public IP on launch.
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  }));
}

function withoutFlowLogs(vpc: ec2.Vpc): ec2.Vpc {
  Validations.of(vpc).acknowledge({
    id: 'AwsSolutions-VPC7',
    reason: 'Example VPC: flow logs cost per GB and are the deploying account\'s choice; the router does not need them.',
  });
  return vpc;
}

/** A security group for web servers that lets nothing out; the router opens the way in. */
export function webServerSecurityGroup(scope: Construct, id: string, vpc: ec2.IVpc): ec2.SecurityGroup {
  return new ec2.SecurityGroup(scope, id, { vpc, description: 'Example web servers', allowAllOutbound: false });
}

/**
 * A function for an assertion that several servers answer one URL: it GETs `url` `requests` times
 * and returns the distinct server names matching `serverName` (a regular expression's source)
 * in the pages answered with 200, sorted and joined with commas.
 */
export function serverProber(scope: Construct, id: string, serverName: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    timeout: Duration.minutes(1),
    code: lambda.Code.fromInline(`
exports.handler = async ({ url, requests }) => {
  const servers = new Set();
  for (let i = 0; i < requests; i++) {
    const response = await fetch(url);
    const server = (await response.text()).match(/${serverName}/);
    if (response.status === 200 && server) servers.add(server[0]);
  }
  return [...servers].sort().join(',');
};`),
  });
}
