import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AlbPrivateLinkRouter } from '../src';

/**
 * The reference design: VPC1 holds a public ALB; `/vpc2/*` reaches one of two web servers in
 * VPC2, `/vpc3/*` one of two in VPC3, each over PrivateLink. No NAT gateway anywhere: the web
 * servers run Amazon Linux 2023's own python3, so nothing is downloaded.
 */
export class ThreeVpcExampleStack extends Stack {
  public readonly router: AlbPrivateLinkRouter;
  public readonly consumerVpc: ec2.Vpc;
  public readonly producerVpcs: ec2.Vpc[];
  public readonly webServers: ec2.Instance[];

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.consumerVpc = new ec2.Vpc(this, 'Vpc1', {
      ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });

    const vpc2 = new WebVpc(this, 'Vpc2', { name: 'vpc2', cidr: '10.2.0.0/16' });
    const vpc3 = new WebVpc(this, 'Vpc3', { name: 'vpc3', cidr: '10.3.0.0/16' });
    this.producerVpcs = [vpc2.vpc, vpc3.vpc];
    this.webServers = [...vpc2.webServers, ...vpc3.webServers];

    this.router = new AlbPrivateLinkRouter(this, 'Router', {
      vpc: this.consumerVpc,
      routes: [
        { path: '/vpc2', producerVpc: vpc2.vpc, instances: vpc2.webServers },
        { path: '/vpc3', producerVpc: vpc3.vpc, instances: vpc3.webServers },
      ],
    });

    new CfnOutput(this, 'Url', {
      value: `http://${this.router.loadBalancer.loadBalancerDnsName}`,
      description: 'Try /vpc2/ and /vpc3/; any other path answers 404',
    });
  }
}

interface WebVpcProps {
  /** Used in page contents and the URL path the servers serve under. */
  readonly name: string;
  readonly cidr: string;
}

/** A VPC with isolated subnets only and two web servers in different Availability Zones. */
class WebVpc extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly webServers: ec2.Instance[];

  constructor(scope: Construct, id: string, props: WebVpcProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'web', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });

    // The router opens the web port to its NLB; nothing else may reach the servers, and they
    // reach nothing.
    const securityGroup = new ec2.SecurityGroup(this, 'WebServerSecurityGroup', {
      vpc: this.vpc,
      description: `Web servers of ${props.name}`,
      allowAllOutbound: false,
    });

    this.webServers = ['a', 'b'].map((letter, index) => new ec2.Instance(this, `WebServer${letter.toUpperCase()}`, {
      vpc: this.vpc,
      vpcSubnets: { subnets: [this.vpc.isolatedSubnets[index]] },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      securityGroup,
      requireImdsv2: true,
      userData: webServerUserData(props.name, `web-${props.name}-${letter}`),
    }));
  }
}

/** Serves "<vpc> / <server>" at `/` (health checks) and `/<vpc>/` (routed traffic) on port 80. */
function webServerUserData(vpcName: string, serverName: string): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -eu',
    'TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 60")',
    'INSTANCE_ID=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)',
    `mkdir -p /var/www/${vpcName}`,
    `PAGE="<h1>${vpcName}</h1><p>${serverName} ($INSTANCE_ID) answered.</p>"`,
    'echo "$PAGE" > /var/www/index.html',
    `echo "$PAGE" > /var/www/${vpcName}/index.html`,
    "cat > /etc/systemd/system/web.service <<'UNIT'",
    '[Unit]',
    'Description=Example web server',
    'After=network-online.target',
    '[Service]',
    'ExecStart=/usr/bin/python3 -m http.server 80 --directory /var/www',
    'Restart=always',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    'systemctl enable --now web.service',
  );
  return userData;
}
