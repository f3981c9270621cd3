import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { buildRouter, consumerStack, expectLeastPrivilege, expectOnlyTcpBetween, groupIdOf, logicalId, producer, ProducerFixture } from './fixtures';
import { failingControlsUnder, findings } from './judges';
import { PrivateLinkProducer } from '../src';

/** A Fargate service in the producer VPC's isolated subnets whose container maps `containerPort`. */
function fargateService(stack: Stack, web: ProducerFixture, id: string, containerPort: number): ecs.FargateService {
  const taskDefinition = new ecs.FargateTaskDefinition(stack, `${id}Task`);
  taskDefinition.addContainer('web', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
    portMappings: [{ containerPort }],
  });
  return new ecs.FargateService(stack, id, {
    cluster: new ecs.Cluster(stack, `${id}Cluster`, { vpc: web.vpc }),
    taskDefinition,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [new ec2.SecurityGroup(stack, `${id}SecurityGroup`, { vpc: web.vpc, allowAllOutbound: false })],
  });
}

function build(containerPort = 8080) {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  const service = fargateService(stack, web, 'Orders', containerPort);
  return { stack, web, service };
}

test('a Fargate service registers its tasks\' container port in a target group of type IP', () => {
  const { stack, web, service } = build();
  const producerOfService = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, ecsServices: [service], port: 8080 });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', Protocol: 'TCP', Port: 8080 });
  template.hasResourceProperties('AWS::ECS::Service', {
    LoadBalancers: [{ TargetGroupArn: { Ref: logicalId(stack, producerOfService.targetGroup) }, ContainerName: 'web', ContainerPort: 8080 }],
  });
});

test('the service\'s security group accepts the port from the NLB only', () => {
  const { stack, web, service } = build();
  const producerOfService = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, ecsServices: [service], port: 8080 });
  const [serviceGroup] = service.connections.securityGroups;
  expectOnlyTcpBetween(Template.fromStack(stack), groupIdOf(stack, producerOfService.securityGroup), groupIdOf(stack, serviceGroup), 8080);
});

test.each<[string, (stack: Stack, web: ProducerFixture, service: ecs.FargateService) => object, RegExp]>([
  ['a container without a mapping of the port', () => ({ port: 9090 }),
    /^Test\/Service: ecsServices: the default container of ECS service 'Test\/Orders' maps no TCP port 9090, the port it would serve/],
  ['the service combined with instances', (_stack, web) => ({ instances: web.instances }),
    /^Test\/Service: ecsServices: ECS services cannot be combined with instances, Auto Scaling groups or IP addresses/],
  ['the service twice', (_stack, _web, service) => ({ ecsServices: [service, service] }), /^Test\/Service: ecsServices: ECS service 'Test\/Orders' is listed twice/],
])('%s is rejected', (_what, invalid, message) => {
  const { stack, web, service } = build();
  expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, ecsServices: [service], port: 8080, ...invalid(stack, web, service) }))
    .toThrow(message);
});

test('a service whose tasks are not in awsvpc mode is rejected: they have no address and security group of their own', () => {
  const { stack } = consumerStack();
  const web = producer(stack, 'Web');
  const taskDefinition = new ecs.Ec2TaskDefinition(stack, 'BridgeTask', { networkMode: ecs.NetworkMode.BRIDGE });
  taskDefinition.addContainer('web', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'), memoryLimitMiB: 256, portMappings: [{ containerPort: 8080 }] });
  const service = new ecs.Ec2Service(stack, 'Bridge', { cluster: new ecs.Cluster(stack, 'BridgeCluster', { vpc: web.vpc }), taskDefinition });
  expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, ecsServices: [service], port: 8080 }))
    .toThrow(/^Test\/Service: ecsServices: ECS service 'Test\/Bridge' runs its tasks in network mode bridge; only awsvpc tasks/);
});

test('a service in another stack is rejected, as the two would refer to each other', () => {
  const { stack } = consumerStack();
  const other = new Stack(stack.node.root as App, 'Other');
  const web = producer(other, 'Web');
  const service = fargateService(other, web, 'Orders', 8080);
  expect(() => new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, ecsServices: [service], port: 8080 }))
    .toThrow(/^Test\/Service: ecsServices: ECS service 'Other\/Orders' is in another stack; create the producer \(for a route, the router\) in its stack/);
});

test('a route creates a producer for an ECS service; every rule stays least-privilege and cdk-nag finds nothing of the route\'s', () => {
  const { stack, router, template } = buildRouter((web) => [{
    path: '/orders', producerVpc: web.vpc, ecsServices: [fargateService(web.vpc.stack, web, 'Orders', 8080)], port: 8080,
  }]);
  template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', Protocol: 'TCP' }, 1);
  expectLeastPrivilege(template, {
    allowedPorts: [80, 8080],
    worldGroup: logicalId(stack, router.loadBalancer.connections.securityGroups[0] as ec2.SecurityGroup),
    worldPort: 80,
  });
  expect(findings(stack).filter((finding) => finding.includes(' Test/Router/'))).toEqual(['AwsSolutions-ELB2 Test/Router/LoadBalancer/Resource']);
});

test('the router fails no Control Tower control for a route to an ECS service that it does not fail for instances', () => {
  const toInstances = buildRouter((web) => [{ path: '/orders', producerVpc: web.vpc, instances: web.instances, port: 8080 }]);
  const toTarget = buildRouter((web) => [{ path: '/orders', producerVpc: web.vpc, ecsServices: [fargateService(web.vpc.stack, web, 'Orders', 8080)], port: 8080 }]);
  const forInstances = failingControlsUnder(toInstances.router);
  expect(forInstances['CT.ELASTICLOADBALANCING.PR.5']).toBe(2); // the judge sees the router's ALB and NLB
  expect(failingControlsUnder(toTarget.router)).toEqual(forInstances);
});

describe('ECS attaches a service to at most 5 target groups, more than one with the ECS deployment controller only', () => {
  /** A Fargate service whose container maps 8080 to 8089, with an optional deployment controller. */
  function multiPortService(stack: Stack, web: ProducerFixture, deploymentController?: ecs.DeploymentController): ecs.FargateService {
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'OrdersTask');
    taskDefinition.addContainer('web', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
      portMappings: Array.from({ length: 10 }, (_, index) => ({ containerPort: 8080 + index })),
    });
    return new ecs.FargateService(stack, 'Orders', {
      cluster: new ecs.Cluster(stack, 'OrdersCluster', { vpc: web.vpc }),
      taskDefinition,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      deploymentController,
    });
  }

  /** A service on five ports of one producer, `Service`: 8080 and four added. */
  function serviceOnFivePorts() {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const service = multiPortService(stack, web);
    const shared = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, ecsServices: [service], port: 8080 });
    for (const port of [8081, 8082, 8083, 8084]) shared.addPort(port, { ecsServices: [service] });
    return { stack, web, service, shared };
  }

  test('a service on five ports of a producer is accepted', () => {
    const { stack, service } = serviceOnFivePorts();
    expect(service.loadBalancers).toHaveLength(5);
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('a sixth port of the same service is rejected, naming the port', () => {
    const { service, shared } = serviceOnFivePorts();
    expect(() => shared.addPort(8085, { ecsServices: [service] }))
      .toThrow(/^Test\/Service\/Port8085: ecsServices: ECS service 'Test\/Orders' would be in 6 target groups, but ECS attaches a service to at most 5/);
  });

  test('target groups of other producers count too', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const service = multiPortService(stack, web);
    const first = new PrivateLinkProducer(stack, 'First', { vpc: web.vpc, ecsServices: [service], port: 8080 });
    for (const port of [8081, 8082, 8083, 8084]) first.addPort(port, { ecsServices: [service] });
    expect(() => new PrivateLinkProducer(stack, 'Second', { vpc: web.vpc, ecsServices: [service], port: 8085 }))
      .toThrow(/^Test\/Second: ecsServices: ECS service 'Test\/Orders' would be in 6 target groups/);
  });

  test('a target group the user attaches after the producer fails synthesis, naming the producer', () => {
    const { stack, service, shared } = serviceOnFivePorts();
    shared.loadBalancer.addListener('Own', { port: 9000 }).addTargets('Own', { port: 8085, targets: [service.loadBalancerTarget({ containerName: 'web', containerPort: 8085 })] });
    expect(() => Template.fromStack(stack)).toThrow(/Test\/Service: ecsServices: ECS service 'Test\/Orders' is in 6 target groups, but ECS attaches a service to at most 5/);
  });

  test.each([ecs.DeploymentControllerType.CODE_DEPLOY, ecs.DeploymentControllerType.EXTERNAL])('a second port of a service with the %s deployment controller is rejected', (type) => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const service = multiPortService(stack, web, { type });
    const shared = new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, ecsServices: [service], port: 8080 });
    expect(() => shared.addPort(8081, { ecsServices: [service] }))
      .toThrow(new RegExp(`^Test/Service/Port8081: ecsServices: ECS service 'Test/Orders' would be in 2 target groups, which ECS allows only with the ECS deployment controller, not ${type}`));
  });
});

test('an empty list of ECS services beside instances is no ECS target: the target group holds instances', () => {
  const { stack, web } = build();
  new PrivateLinkProducer(stack, 'Service', { vpc: web.vpc, instances: web.instances, ecsServices: [] });
  Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'instance' });
});
