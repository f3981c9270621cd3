import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { consumerVpc, isolatedVpc, WebServer, webServerSecurityGroup } from '../integ/web-server';
// The compiled library, as users get it from npm.
import { AddPrivateLinkRouteOptions, AlbPrivateLinkRouter, PrivateLinkProducer } from '../lib';

/** Who builds the routes: this library, or plain aws-cdk-lib written by hand (the baseline). */
export type Implementation = 'construct' | 'hand-written';

/**
 * Where producers go: each in its own stack (service teams' stacks, referenced across stacks),
 * or all in the consumer stack.
 */
export type Layout = 'producer-stacks' | 'one-stack';

export const CONSUMER_STACK_ID = 'Consumer';

/** An app with one consumer stack routing `routes` paths, each to its own VPC of two servers. */
export function buildApp(implementation: Implementation, layout: Layout, routes: number, outdir?: string): App {
  // Resource counts past CloudFormation's 500 are reported, not thrown.
  const app = new App({ outdir, context: { '@aws-cdk/core:stackResourceLimit': 0, 'aws:cdk:enable-path-metadata': true } });
  const consumer = new Stack(app, CONSUMER_STACK_ID);
  const vpc = consumerVpc(consumer, 'Vpc', '10.0.0.0/16');
  const services = Array.from({ length: routes }, (_, index) => {
    const scope = layout === 'one-stack' ? new Construct(consumer, `Service${index}`) : new Stack(app, `Service${index}`);
    return new Service(scope, index);
  });

  if (implementation === 'construct') {
    const router = new AlbPrivateLinkRouter(consumer, 'Router', { vpc });
    services.forEach((service, index) => {
      const target: Partial<AddPrivateLinkRouteOptions> = layout === 'one-stack'
        ? { producerVpc: service.vpc, instances: service.instances }
        : { producer: new PrivateLinkProducer(service, 'Producer', { vpc: service.vpc, instances: service.instances }) };
      // Explicit priorities, as in the baseline: derived ones would likely clash at this scale
      // (see "Limits" in the README).
      router.addRoute({ path: service.path, priority: index + 1, ...target });
    });
  } else {
    const router = new HandWrittenRouter(consumer, 'Router', vpc);
    services.forEach((service, index) => router.addRoute(service, index + 1));
  }
  return app;
}

/** How the services of one VPC are published: one producer serving every port, or a producer each. */
export type Publishing = 'one producer' | 'a producer each';

/** The stack of `buildServicesInOneVpc`'s services. */
export const SERVICES_STACK_ID = 'Services';

/**
 * An app whose router routes `/service<index>` to `services` services in one VPC of a stack of
 * their own, each a web server on a port of its own (8000 + index), published as `publishing` says.
 */
export function buildServicesInOneVpc(services: number, publishing: Publishing, outdir?: string, ipAddressType?: elbv2.IpAddressType): App {
  const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
  const consumer = new Stack(app, CONSUMER_STACK_ID);
  const dualStack = ipAddressType !== undefined && ipAddressType !== elbv2.IpAddressType.IPV4;
  const router = new AlbPrivateLinkRouter(consumer, 'Router', {
    vpc: consumerVpc(consumer, 'Vpc', '10.0.0.0/16', dualStack ? ec2.IpProtocol.DUAL_STACK : undefined),
    ipAddressType,
  });
  const scope = new Stack(app, SERVICES_STACK_ID);
  const vpc = isolatedVpc(scope, 'Vpc', '10.1.0.0/16');
  const securityGroup = webServerSecurityGroup(scope, 'WebServerSecurityGroup', vpc);
  let shared: PrivateLinkProducer | undefined;
  for (let index = 0; index < services; index++) {
    const port = 8000 + index;
    const server = new WebServer(scope, `WebServer${index}`, {
      vpc,
      subnet: vpc.isolatedSubnets[index % vpc.isolatedSubnets.length],
      securityGroup,
      section: `service${index}`,
      serverName: `web-${index}`,
      port,
    });
    let producer: PrivateLinkProducer;
    if (publishing === 'a producer each') {
      producer = new PrivateLinkProducer(scope, `Producer${index}`, { vpc, instances: [server], port });
    } else if (shared === undefined) {
      producer = shared = new PrivateLinkProducer(scope, 'Producer', { vpc, instances: [server], port });
    } else {
      shared.addPort(port, { instances: [server] });
      producer = shared;
    }
    router.addRoute({ path: `/service${index}`, priority: index + 1, producer, port });
  }
  return app;
}

/** A producer VPC with two web servers, serving `/service<index>`. */
class Service extends Construct {
  public readonly path: string;
  public readonly vpc: ec2.Vpc;
  public readonly instances: ec2.Instance[];

  constructor(scope: Construct, index: number) {
    super(scope, 'Service');
    this.path = `/service${index}`;
    this.vpc = isolatedVpc(this, 'Vpc', '10.1.0.0/16');
    const securityGroup = webServerSecurityGroup(this, 'WebServerSecurityGroup', this.vpc);
    this.instances = this.vpc.isolatedSubnets.map((subnet, zone) => new WebServer(this, `WebServer${zone}`, {
      vpc: this.vpc, subnet, securityGroup, section: `service${index}`, serverName: `web-${index}-${zone}`,
    }));
  }
}

/**
 * The same architecture written directly with aws-cdk-lib, the way the prototype did:
 * per route an NLB, endpoint service, interface endpoint with its own security group, an
 * AwsCustomResource with its own policy, an ALB target group and a listener rule.
 */
class HandWrittenRouter extends Construct {
  private readonly listener: elbv2.ApplicationListener;

  constructor(scope: Construct, id: string, private readonly vpc: ec2.IVpc) {
    super(scope, id);
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', { vpc, internetFacing: true });
    this.listener = alb.addListener('Http', {
      port: 80,
      defaultAction: elbv2.ListenerAction.fixedResponse(404),
    });
  }

  public addRoute(service: Service, priority: number): void {
    const nlb = new elbv2.NetworkLoadBalancer(service, 'Nlb', {
      vpc: service.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [new ec2.SecurityGroup(service, 'NlbSg', { vpc: service.vpc, allowAllOutbound: false })],
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
    });
    nlb.addListener('Tcp', { port: 80 }).addTargets('Servers', {
      port: 80,
      targets: service.instances.map((instance) => new targets.InstanceTarget(instance, 80)),
    });
    service.instances.forEach((instance) => nlb.connections.allowTo(instance, ec2.Port.tcp(80)));
    const endpointService = new ec2.VpcEndpointService(service, 'Svc', {
      vpcEndpointServiceLoadBalancers: [nlb],
      acceptanceRequired: false,
      allowedPrincipals: [new iam.AccountRootPrincipal()],
    });

    const routeScope = new Construct(this, service.path.slice(1));
    const endpointSg = new ec2.SecurityGroup(routeScope, 'Sg', { vpc: this.vpc, allowAllOutbound: false });
    endpointSg.connections.allowFrom(this.listener, ec2.Port.tcp(80));
    const endpoint = new ec2.InterfaceVpcEndpoint(routeScope, 'Vpce', {
      vpc: this.vpc,
      service: new ec2.InterfaceVpcEndpointService(endpointService.vpcEndpointServiceName, 80),
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [endpointSg],
      open: false,
    });
    endpoint.node.addDependency(endpointService);
    const zones = this.vpc.isolatedSubnets.length;
    const ips = new cr.AwsCustomResource(routeScope, 'Ips', {
      onUpdate: {
        service: 'EC2',
        action: 'describeNetworkInterfaces',
        parameters: { NetworkInterfaceIds: endpoint.vpcEndpointNetworkInterfaceIds },
        physicalResourceId: cr.PhysicalResourceId.of(endpoint.vpcEndpointId),
        outputPaths: Array.from({ length: zones }, (_, i) => `NetworkInterfaces.${i}.PrivateIpAddress`),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    const targetGroup = new elbv2.ApplicationTargetGroup(routeScope, 'Tg', {
      vpc: this.vpc,
      port: 80,
      targetType: elbv2.TargetType.IP,
      targets: Array.from({ length: zones }, (_, i) =>
        new targets.IpTarget(ips.getResponseField(`NetworkInterfaces.${i}.PrivateIpAddress`), 80)),
    });
    this.listener.addTargetGroups(service.path, {
      priority,
      conditions: [elbv2.ListenerCondition.pathPatterns([service.path, `${service.path}/*`])],
      targetGroups: [targetGroup],
    });
  }
}
