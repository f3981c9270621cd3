import { Resource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import { IConstruct } from 'constructs';

/** The producer whose NLB gets the targets: a construct in the app, and its VPC. */
interface ProducerOfTargets extends IConstruct {
  readonly vpc: ec2.IVpc;
}

/** The kinds of targets a port may have (`PrivateLinkPortOptions`), by what decides the target type. */
interface KindsOfTargets {
  readonly applicationLoadBalancer?: unknown;
  readonly ecsServices?: unknown[];
  readonly ipAddresses?: unknown[];
}

/** The NLB target for the tasks of `service`: its default container's mapping of `port`. */
export function ecsTargetOf(where: string, service: ecs.BaseService, port: number): elbv2.INetworkLoadBalancerTarget {
  // In bridge mode tasks get dynamic host ports and in host mode share the instances' group:
  // the NLB's port and security group rule fit awsvpc tasks, each with its own address.
  if (service.taskDefinition.networkMode !== ecs.NetworkMode.AWS_VPC) {
    throw new Error(`${where}: ecsServices: ECS service '${service.node.path}' runs its tasks in network mode ${service.taskDefinition.networkMode}; only awsvpc tasks (all Fargate tasks) have the address and security group of their own that the load balancer needs.`);
  }
  const container = service.taskDefinition.defaultContainer;
  if (container?.findPortMapping(port, ecs.Protocol.TCP) === undefined) {
    throw new Error(`${where}: ecsServices: the default container of ECS service '${service.node.path}' maps no TCP port ${port}, the port it would serve; add the port mapping, or serve its container port.`);
  }
  return service.loadBalancerTarget({ containerName: container.containerName, containerPort: port });
}

/**
 * The NLB target for `alb` on `port`, after checking it is in the producer's VPC. For an ALB
 * defined in the app, the target is its listener on the port, so that the target group waits
 * for it: ELB refuses to register an ALB without a listener on the target group's port.
 */
export function albTargetOf(where: string, producer: ProducerOfTargets, alb: elbv2.IApplicationLoadBalancer,
  port: number, targetProtocol: elbv2.ApplicationProtocol = elbv2.ApplicationProtocol.HTTP): elbv2.INetworkLoadBalancerTarget {
  const stack = Stack.of(producer);
  if (alb.vpc && JSON.stringify(stack.resolve(alb.vpc.vpcId)) !== JSON.stringify(stack.resolve(producer.vpc.vpcId))) {
    throw new Error(`${where}: applicationLoadBalancer: '${alb.node.path}' is in VPC '${alb.vpc.node.path}', not the producer's VPC '${producer.vpc.node.path}'; an NLB can forward to an ALB of its own VPC only.`);
  }
  if (!Resource.isOwnedResource(alb)) {
    return new targets.AlbArnTarget(alb.loadBalancerArn, port);
  }
  const listener = alb.listeners.find((candidate) => candidate.port === port);
  if (listener === undefined) {
    throw new Error(`${where}: applicationLoadBalancer: '${alb.node.path}' has no listener on port ${port}, the port it would serve; add one, or serve the port of one of its listeners.`);
  }
  if (listener.protocol !== targetProtocol) {
    throw new Error(`${where}: applicationLoadBalancer: the listener of '${alb.node.path}' on port ${port} is ${listener.protocol}, but the consumer's ALB sends ${targetProtocol} through the endpoint (the port's targetProtocol); make them agree.`);
  }
  return new targets.AlbListenerTarget(listener);
}

/** The target type of the NLB's target group: one type per group, checked by validateTargets. */
export function targetTypeOf(props: KindsOfTargets): elbv2.TargetType | undefined {
  if (props.applicationLoadBalancer) return elbv2.TargetType.ALB;
  // By length: an empty list is no target. ECS tasks are all awsvpc (checked), so IP.
  return (props.ecsServices ?? []).length + (props.ipAddresses ?? []).length > 0 ? elbv2.TargetType.IP : elbv2.TargetType.INSTANCE;
}

/**
 * Throws for protocols an Application Load Balancer target cannot serve as the port asks: HTTP/2
 * and gRPC reach its listeners over HTTPS only, and a gRPC port's ALB check needs a path one of
 * its rules answers (the default method would meet its default action).
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-group-protocol-version
 */
export function validateAlbTargetProtocols(where: string, options: {
  readonly targetProtocol?: elbv2.ApplicationProtocol;
  readonly protocolVersion?: elbv2.ApplicationProtocolVersion;
  readonly consumerHealthCheck?: elbv2.HealthCheck;
}): void {
  const version = options.protocolVersion ?? elbv2.ApplicationProtocolVersion.HTTP1;
  if (version !== elbv2.ApplicationProtocolVersion.HTTP1 && options.targetProtocol !== elbv2.ApplicationProtocol.HTTPS) {
    throw new Error(`${where}: protocolVersion: an Application Load Balancer target takes ${version} on HTTPS listeners only; set targetProtocol HTTPS, with an HTTPS listener on the port.`);
  }
  if (version === elbv2.ApplicationProtocolVersion.GRPC && options.consumerHealthCheck?.path === undefined) {
    throw new Error(`${where}: consumerHealthCheck: path: is required for a GRPC port of an Application Load Balancer target: ALB's default method would meet its default action; give a method one of its rules forwards, with its gRPC codes.`);
  }
}
