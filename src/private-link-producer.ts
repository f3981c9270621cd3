import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { privateSubnetsOf, selectedSubnets } from './private-subnets';
import { DEFAULT_ROUTE_PORT, validateInstances, validatePort } from './route';

/** Properties of a `PrivateLinkProducer`. */
export interface PrivateLinkProducerProps {
  /** The VPC the instances run in; the Network Load Balancer is created in it. */
  readonly vpc: ec2.IVpc;

  /**
   * The instances to expose. Their security groups are opened on `port` to the Network Load
   * Balancer's security group only.
   */
  readonly instances: ec2.IInstance[];

  /**
   * The TCP port the instances listen on; the load balancer listens on the same port.
   *
   * @default 80
   */
  readonly port?: number;

  /**
   * Where the Network Load Balancer goes. Consumers can create endpoints only in the
   * Availability Zones these subnets cover.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none;
   * one per Availability Zone
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The principals allowed to create endpoints to the service.
   *
   * @default - the account of the stack this producer is in
   */
  readonly allowedPrincipals?: iam.ArnPrincipal[];

  /**
   * Whether the service owner must accept each endpoint connection. With `true`, a consumer's
   * endpoint (and so its deployment) waits until someone accepts it.
   *
   * @default false
   */
  readonly acceptanceRequired?: boolean;

  /**
   * Whether the Network Load Balancer has deletion protection: CloudFormation can then not
   * delete it until the protection is turned off.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * Whether each load balancer node distributes traffic to instances in every Availability
   * Zone. Without it, an endpoint interface in one zone reaches only the instances in that zone.
   *
   * @default true
   */
  readonly crossZoneEnabled?: boolean;
}

/**
 * The producer side of AWS PrivateLink: an internal Network Load Balancer in front of some
 * instances, published as a VPC endpoint service.
 *
 * The load balancer has a security group with no inbound rules and does not apply them to
 * PrivateLink traffic, so the endpoint service is its only way in; its outbound rules allow the
 * instances' port only.
 */
export class PrivateLinkProducer extends Construct {
  /** The VPC the load balancer and the instances are in. */
  public readonly vpc: ec2.IVpc;

  /** The internal Network Load Balancer in front of the instances. */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;

  /** The load balancer's TCP listener on `port`. */
  public readonly listener: elbv2.NetworkListener;

  /** The target group holding the instances. */
  public readonly targetGroup: elbv2.NetworkTargetGroup;

  /** The security group of the load balancer. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The VPC endpoint service consumers create interface endpoints to. */
  public readonly endpointService: ec2.VpcEndpointService;

  /** The TCP port the service is offered on. */
  public readonly port: number;

  /**
   * The Availability Zones of the load balancer's subnets: consumers can create endpoints to the
   * service in these zones only.
   */
  public readonly availabilityZones: string[];

  constructor(scope: Construct, id: string, props: PrivateLinkProducerProps) {
    super(scope, id);

    this.vpc = props.vpc;
    this.port = props.port ?? DEFAULT_ROUTE_PORT;
    validatePort(this.node.path, this.port);
    validateInstances(this.node.path, props.instances);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'PrivateLink NLB: reached through its endpoint service only, talks to its instances only',
      allowAllOutbound: false,
    });

    const vpcSubnets = props.vpcSubnets ?? privateSubnetsOf(props.vpc, this.node.path);
    this.availabilityZones = selectedSubnets(this.node.path, 'load balancer subnets', props.vpc, vpcSubnets).map((subnet) => subnet.availabilityZone);
    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets,
      securityGroups: [this.securityGroup],
      crossZoneEnabled: props.crossZoneEnabled ?? true,
      deletionProtection: props.deletionProtection ?? false,
      // PrivateLink traffic arrives from consumers' addresses, which may overlap this VPC's and
      // cannot be named in a rule here; the endpoint service's allowed principals gate it instead.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
    });

    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'A Network Load Balancer writes access logs for TLS listeners only; this one has a single TCP listener, so there is nothing to log.',
    });

    this.targetGroup = new elbv2.NetworkTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: this.port,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.INSTANCE,
      targets: props.instances.map((instance) => new targets.InstanceIdTarget(instance.instanceId, this.port)),
    });

    this.listener = this.loadBalancer.addListener('Listener', {
      port: this.port,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [this.targetGroup],
    });

    // Client traffic and health checks both reach the instances from the load balancer's own
    // addresses, so one rule per instance security group covers both. Made from the load
    // balancer's side, both rules live in its stack, so instances in another stack get no
    // reference back to it (which would be a cycle).
    for (const instance of props.instances) {
      this.loadBalancer.connections.allowTo(instance, ec2.Port.tcp(this.port), 'From the PrivateLink NLB');
    }

    this.endpointService = new ec2.VpcEndpointService(this, 'EndpointService', {
      vpcEndpointServiceLoadBalancers: [this.loadBalancer],
      acceptanceRequired: props.acceptanceRequired ?? false,
      allowedPrincipals: props.allowedPrincipals ?? [new iam.ArnPrincipal(Stack.of(this).formatArn({
        service: 'iam',
        region: '',
        resource: 'root',
      }))],
    });
  }
}
