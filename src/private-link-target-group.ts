import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import { Construct } from 'constructs';
import { EndpointIpAddresses } from './endpoint-ip-addresses';
import { applicationHealthCheckOf, validateHealthCheck } from './health-check';
import { PrivateLinkProducer } from './private-link-producer';
import { endpointSubnetsFor } from './private-subnets';
import { DEFAULT_ROUTE_PORT, validatePort } from './route';
import { stableSetIdOf } from './stable-id';

/** Properties of a `PrivateLinkTargetGroup`. */
export interface PrivateLinkTargetGroupProps {
  /** The consumer VPC: the interface endpoint and the ALB target group go in it. */
  readonly vpc: ec2.IVpc;

  /**
   * The producer whose endpoint service the interface endpoint connects to. Give either
   * `producer` or `endpointServiceName`.
   *
   * @default - none: `endpointServiceName` is given
   */
  readonly producer?: PrivateLinkProducer;

  /**
   * The service name of an endpoint service known by name only, for example one in another
   * account (`com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0`).
   *
   * @default - none: `producer` is given
   */
  readonly endpointServiceName?: string;

  /**
   * The TCP port of the service, used from the ALB through to its targets.
   *
   * @default - the producer's port, or 80 for an `endpointServiceName`
   */
  readonly port?: number;

  /**
   * How the ALB target group checks the service: always over HTTP on the traffic port.
   *
   * @default - the producer's health check, or HTTP `GET /` on the port expecting 200
   */
  readonly healthCheck?: elbv2.HealthCheck;

  /**
   * How long the ALB lets requests to a deregistering endpoint address finish.
   *
   * @default - the producer's deregistration delay, or Duration.seconds(300)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * Where the interface endpoint goes in `vpc`: one network interface per subnet, each
   * registered as an ALB target. Use at most one subnet per Availability Zone, in zones the
   * producer's load balancer and the ALB (`loadBalancerAvailabilityZones`) also cover (synthesis
   * fails otherwise). Other subnets make a new endpoint, created before the old one is deleted.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has none;
   * one per Availability Zone that the producer's load balancer and the ALB also cover
   */
  readonly endpointSubnets?: ec2.SubnetSelection;

  /**
   * The interface endpoint's security group. Several endpoints may share one: an endpoint
   * forwards only the ports its producer's load balancer listens on.
   *
   * @default - a new security group with no rules; allow the ALB with `connections`
   */
  readonly endpointSecurityGroup?: ec2.ISecurityGroup;

  /**
   * The Availability Zones of the ALB's subnets. The ALB never sends a request to an IP target
   * in a zone it is not enabled in, so endpoint subnets are kept to these zones: default ones
   * outside them are left out, explicitly chosen ones fail synthesis.
   *
   * @default - not checked
   */
  readonly loadBalancerAvailabilityZones?: string[];
}

/**
 * The consumer side of AWS PrivateLink, seen from an ALB: an interface endpoint to a
 * `PrivateLinkProducer`, its IP addresses looked up at deploy time, and an ALB target group of
 * type IP holding them.
 *
 * Forward listener rules to `targetGroup`, and allow the ALB in with `connections`.
 */
export class PrivateLinkTargetGroup extends Construct implements ec2.IConnectable {
  /** The producer the endpoint connects to, unless it connects to an `endpointServiceName`. */
  public readonly producer?: PrivateLinkProducer;

  /** The service name of the endpoint service the endpoint connects to. */
  public readonly endpointServiceName: string;

  /** The TCP port used from the ALB through to the producer's instances. */
  public readonly port: number;

  /** The interface endpoint in the consumer VPC. */
  public readonly endpoint: ec2.InterfaceVpcEndpoint;

  /** The deploy-time lookup of the endpoint's private IP addresses. */
  public readonly endpointIpAddresses: EndpointIpAddresses;

  /** The ALB target group of type IP holding the endpoint's addresses. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The interface endpoint's connections (its security groups, default port `port`). */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: PrivateLinkTargetGroupProps) {
    super(scope, id);
    const producer = props.producer;
    if ((producer === undefined) === (props.endpointServiceName === undefined)) {
      throw new Error(`${this.node.path}: give either producer or endpointServiceName.`);
    }
    if (producer && props.port !== undefined && props.port !== producer.port) {
      throw new Error(`${this.node.path}: port ${props.port} differs from the port ${producer.port} of producer '${producer.node.path}'; leave port out to use the producer's.`);
    }
    this.producer = producer;
    this.endpointServiceName = producer?.endpointService.vpcEndpointServiceName ?? props.endpointServiceName!;
    this.port = producer?.port ?? props.port ?? DEFAULT_ROUTE_PORT;
    validatePort(this.node.path, this.port);
    validateHealthCheck(this.node.path, props.healthCheck);

    if (producer?.acceptanceRequired) {
      throw new Error(`${this.node.path}: producer: '${producer.node.path}' requires acceptance of each endpoint connection, and nothing in the deployment accepts this endpoint's, so it would never carry traffic; set acceptanceRequired: false on the producer and limit who may connect with allowedPrincipals.`);
    }
    const endpointSubnets = endpointSubnetsFor(this, this.node.path, props.vpc, props.endpointSubnets, producer, props.loadBalancerAvailabilityZones);
    // Named after its subnets, so that other subnets make a new endpoint: CloudFormation creates
    // it, registers its addresses and only then deletes the old one. Updated in place, the old
    // network interfaces would be gone while the ALB still sent requests to their addresses.
    this.endpoint = new ec2.InterfaceVpcEndpoint(this, `Endpoint${stableSetIdOf(this, (endpointSubnets.subnets ?? []).map((subnet) => subnet.subnetId))}`, {
      vpc: props.vpc,
      service: new ec2.InterfaceVpcEndpointService(this.endpointServiceName, this.port),
      subnets: endpointSubnets,
      securityGroups: [props.endpointSecurityGroup ?? new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: props.vpc,
        description: 'PrivateLink interface endpoint: reached by the ALB only',
        allowAllOutbound: false,
      })],
      // `open` would admit the whole consumer VPC; only the ALB may connect.
      open: false,
      privateDnsEnabled: false,
    });
    if (producer) {
      // The endpoint can connect only once the service's allowed principals are in place.
      this.endpoint.node.addDependency(producer.endpointService);
    }
    this.connections = this.endpoint.connections;

    this.endpointIpAddresses = new EndpointIpAddresses(this, 'EndpointIpAddresses', {
      endpoint: this.endpoint,
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: this.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: this.endpointIpAddresses.ipAddresses.map((ip) => new targets.IpTarget(ip, this.port)),
      healthCheck: applicationHealthCheckOf(props.healthCheck ?? producer?.healthCheck),
      deregistrationDelay: props.deregistrationDelay ?? producer?.deregistrationDelay,
    });
  }
}
