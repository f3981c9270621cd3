import { CfnOutput, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { consumerVpc, isolatedVpc, WebServer, webServerSecurityGroup } from './web-server';
import { AlbPrivateLinkRouter } from '../src';

/**
 * The reference design: VPC1 holds a public ALB; `/vpc2/*` reaches one of two web servers in
 * VPC2, `/vpc3/*` one of two in VPC3, each over PrivateLink. No NAT gateway anywhere.
 */
export class ThreeVpcExampleStack extends Stack {
  public readonly router: AlbPrivateLinkRouter;
  public readonly consumerVpc: ec2.Vpc;
  public readonly producerVpcs: ec2.Vpc[];
  public readonly webServers: ec2.Instance[];

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.consumerVpc = consumerVpc(this, 'Vpc1', '10.1.0.0/16');
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

    Validations.of(this.router.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'The example stack is environment-agnostic, and aws-cdk-lib enables ALB access logs (accessLogsBucket) only in a stack with an explicit region.',
    });

    new CfnOutput(this, 'Url', {
      value: `http://${this.router.loadBalancer.loadBalancerDnsName}`,
      description: 'Try /vpc2/ and /vpc3/; any other path answers 404',
    });
  }
}

interface WebVpcProps {
  /** The VPC's name in pages and URL paths. */
  readonly name: string;
  readonly cidr: string;
}

/** An isolated VPC with two web servers (`web-<name>-a` and `-b`) in different Availability Zones. */
class WebVpc extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly webServers: ec2.Instance[];

  constructor(scope: Construct, id: string, props: WebVpcProps) {
    super(scope, id);
    this.vpc = isolatedVpc(this, 'Vpc', props.cidr);
    const securityGroup = webServerSecurityGroup(this, 'WebServerSecurityGroup', this.vpc);
    this.webServers = ['a', 'b'].map((letter, index) => new WebServer(this, `WebServer${letter.toUpperCase()}`, {
      vpc: this.vpc,
      subnet: this.vpc.isolatedSubnets[index],
      securityGroup,
      section: props.name,
      serverName: `web-${props.name}-${letter}`,
    }));
  }
}
