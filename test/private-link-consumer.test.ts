// PrivateLinkConsumer: the public way routes on listeners of a user's own share the consumer side,
// as a router's routes do (the router is a consumer too).
import { App, CfnParameter, Names, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { consumerStack, expectLeastPrivilege, logicalId, producer, secondCopyOfTheLibrary, securityGroupRules } from './fixtures';
import { AlbPrivateLinkRouter, IPrivateLinkProducer, PrivateLinkConsumer, PrivateLinkProducer, PrivateLinkRoute } from '../src';

const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';

/** A stack with an ALB listener of the user's own, a consumer, and two producers in one VPC. */
function withConsumer() {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const listener = alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
  const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc });
  const shop = new PrivateLinkProducer(stack, 'Shop', { vpc: web.vpc, instances: web.instances, port: 8080 });
  shop.addPort(9090, { instances: web.instances });
  const docs = PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Docs', { endpointServiceName: SERVICE_NAME });
  const route = (id: string, path: string, routeProducer: IPrivateLinkProducer, port?: number) =>
    new PrivateLinkRoute(stack, id, { listener, vpc, consumer, path, producer: routeProducer, port });
  return { stack, vpc, web, alb, listener, consumer, shop, docs, route };
}

const endpointsOf = (template: Template) => Object.keys(template.findResources('AWS::EC2::VPCEndpoint'));

test('connect adds a producer\'s endpoint once, named after the producer, and a target group per port', () => {
  const { consumer, shop } = withConsumer();
  const group = consumer.addPrivateLinkTargetGroup(shop);
  expect(group.node.path).toBe(`Test/Endpoints/PrivateLink${Names.nodeUniqueId(shop.node)}`);
  expect(group.ports).toEqual([8080]);
  expect(consumer.addPrivateLinkTargetGroup(shop, 8080)).toBe(group);
  expect(consumer.addPrivateLinkTargetGroup(shop, 9090)).toBe(group);
  expect(group.ports).toEqual([8080, 9090]);
  expect(group.targetGroupFor(9090).node.id).toBe('TargetGroup9090');
});

test('routes to one producer share its endpoint and, per port, its target group; another producer has its own endpoint', () => {
  const { stack, shop, docs, route } = withConsumer();
  const a = route('A', '/a', shop);
  const b = route('B', '/b', shop);
  const c = route('C', '/c', shop, 9090);
  const d = route('D', '/d', docs);
  expect(b.privateLinkTargetGroup).toBe(a.privateLinkTargetGroup);
  expect(c.privateLinkTargetGroup).toBe(a.privateLinkTargetGroup);
  expect(b.targetGroup).toBe(a.targetGroup);
  expect(c.targetGroup).not.toBe(a.targetGroup);
  expect(d.privateLinkTargetGroup).not.toBe(a.privateLinkTargetGroup);
  const template = Template.fromStack(stack);
  expect(endpointsOf(template)).toHaveLength(2);
  template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip' }, 3);
});

test('every endpoint of a consumer is in its one security group, which admits the listener\'s ALB on each route port only', () => {
  const { stack, alb, consumer, shop, docs, route } = withConsumer();
  route('A', '/a', shop);
  route('C', '/c', shop, 9090);
  route('D', '/d', docs);
  const template = Template.fromStack(stack);
  const group = logicalId(stack, consumer.endpointSecurityGroup);
  for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint'))) {
    expect(endpoint.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [group, 'GroupId'] }]);
  }
  const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((rule) => rule.Properties)
    .filter((rule) => rule.GroupId['Fn::GetAtt'][0] === group);
  const albGroup = logicalId(stack, alb.connections.securityGroups[0]);
  expect(ingress.map((rule) => [rule.IpProtocol, rule.FromPort, rule.ToPort, rule.SourceSecurityGroupId['Fn::GetAtt'][0]]).sort())
    .toEqual([['tcp', 80, 80, albGroup], ['tcp', 8080, 8080, albGroup], ['tcp', 9090, 9090, albGroup]]);
  expectLeastPrivilege(template, { allowedPorts: [80, 8080, 9090], worldGroup: albGroup, worldPort: 80 });
});

test('removing the route that made a shared endpoint, or reordering the routes, leaves the endpoint and target groups as they are', () => {
  const idsOf = (order: string[]) => {
    const { stack, shop, route } = withConsumer();
    for (const path of order) route(`Route${path.slice(1)}`, path, shop, path === '/c' ? 9090 : undefined);
    const template = Template.fromStack(stack);
    return [...endpointsOf(template), ...Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup', { Properties: { TargetType: 'ip' } }))].sort();
  };
  expect(idsOf(['/a', '/c'])).toEqual(idsOf(['/c', '/a']));
  expect(idsOf(['/b', '/a', '/c'])).toEqual(idsOf(['/a', '/c']));
});

test('its endpoints go where it places them: its subnets, kept to the ALB\'s zones', () => {
  const { stack, vpc } = consumerStack({ inEuWest1: true, maxAzs: 3 });
  const web = producer(stack, 'Web', 2, 3);
  const listener = new AlbPrivateLinkRouter(stack, 'Router', { vpc }).listener;
  const zones = vpc.isolatedSubnets.slice(0, 2).map((subnet) => subnet.availabilityZone);
  const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc, loadBalancerAvailabilityZones: zones });
  const shop = new PrivateLinkProducer(stack, 'Shop', { vpc: web.vpc, instances: web.instances });
  new PrivateLinkRoute(stack, 'ShopRoute', { listener, vpc, consumer, path: '/shop', producer: shop });
  Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
    SubnetIds: vpc.isolatedSubnets.slice(0, 2).map((subnet) => ({ Ref: logicalId(stack, subnet) })),
  });
});

test('its security group\'s description and rules hold only characters EC2 accepts', () => {
  const { stack, shop, route } = withConsumer();
  route('A', "/~o'b", shop);
  const template = Template.fromStack(stack);
  const descriptions = [
    ...securityGroupRules(template).map(({ rule }) => rule.Description),
    ...Object.values(template.findResources('AWS::EC2::SecurityGroup')).map((group) => group.Properties.GroupDescription),
  ];
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
  expect(descriptions.filter((text) => !/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/.test(text))).toEqual([]);
});

test('an empty list of ALB zones is rejected when the consumer is made', () => {
  const { stack, vpc } = consumerStack();
  expect(() => new PrivateLinkConsumer(stack, 'Endpoints', { vpc, loadBalancerAvailabilityZones: [] }))
    .toThrow(/^Test\/Endpoints: loadBalancerAvailabilityZones: is empty, so no endpoint subnet could be used; give the zones of the ALB's subnets, or leave it out\.$/);
});

test('a given security group is used for every endpoint, and no other is made', () => {
  const { stack, vpc } = consumerStack();
  const own = new ec2.SecurityGroup(stack, 'Own', { vpc, allowAllOutbound: false });
  const consumer = new PrivateLinkConsumer(stack, 'Endpoints', { vpc, endpointSecurityGroup: own });
  expect(consumer.endpointSecurityGroup).toBe(own);
  expect(consumer.node.tryFindChild('EndpointSecurityGroup')).toBeUndefined();
});

test('an error in making a shared endpoint is the route\'s, with the route\'s prop', () => {
  const { stack, vpc, web, listener, consumer } = withConsumer();
  const manual = new PrivateLinkProducer(stack, 'Manual', { vpc: web.vpc, instances: web.instances, acceptanceRequired: true });
  expect(() => new PrivateLinkRoute(stack, 'ManualRoute', { listener, vpc, consumer, path: '/m', producer: manual }))
    .toThrow(/^Test\/ManualRoute: producer: 'Test\/Manual' requires acceptance of each endpoint connection/);
});

describe('a consumer serves the listeners of one load balancer, as ELB uses each target group with one only', () => {
  const listenerArn = (alb: string, listener: string) => `arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/${alb}/${listener}`;
  const imported = (scope: Construct, id: string, arn: string) => elbv2.ApplicationListener.fromApplicationListenerAttributes(scope, id, {
    listenerArn: arn,
    securityGroup: ec2.SecurityGroup.fromSecurityGroupId(scope, `${id}Group`, 'sg-0123456789abcdef0'),
  });

  test('routes on listeners of two ALBs of the app sharing a target group are rejected, naming both', () => {
    const { stack, vpc, consumer, shop, route } = withConsumer();
    route('A', '/a', shop);
    const other = new elbv2.ApplicationLoadBalancer(stack, 'OtherAlb', { vpc }).addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
    expect(() => new PrivateLinkRoute(stack, 'B', { listener: other, vpc, consumer, path: '/b', producer: shop }))
      .toThrow(/^Test\/B: consumer: 'Test\/Endpoints' serves the listeners of load balancer 'Test\/Alb' \(route 'Test\/A'\); its target groups can serve one load balancer only, and its endpoints share one security group, so give the routes on load balancer 'Test\/OtherAlb' a consumer of their own\.$/);
  });

  test('routes of two ALBs are rejected on one consumer even to different producers: the endpoints share a security group', () => {
    const { stack, vpc, consumer, shop, docs, route } = withConsumer();
    route('A', '/a', shop);
    const other = new elbv2.ApplicationLoadBalancer(stack, 'OtherAlb', { vpc }).addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
    expect(() => new PrivateLinkRoute(stack, 'B', { listener: other, vpc, consumer, path: '/b', producer: docs }))
      .toThrow(/^Test\/B: consumer: 'Test\/Endpoints' serves the listeners of load balancer 'Test\/Alb'/);
  });

  test('a route of another ALB given the router as consumer is rejected', () => {
    const { stack, vpc, shop } = withConsumer();
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producer: shop }] });
    const other = new elbv2.ApplicationLoadBalancer(stack, 'OtherAlb', { vpc }).addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
    expect(() => new PrivateLinkRoute(stack, 'B', { listener: other, consumer: router, path: '/b', producer: shop }))
      .toThrow(/^Test\/B: consumer: 'Test\/Router' serves the listeners of load balancer 'Test\/Router\/LoadBalancer' \(route 'Test\/Router\/a'\)/);
  });

  test('routes on two listeners of one ALB share its target groups', () => {
    const { stack, vpc, alb, consumer, shop, route } = withConsumer();
    const a = route('A', '/a', shop);
    const second = alb.addListener('Other', { port: 8000, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
    const b = new PrivateLinkRoute(stack, 'B', { listener: second, vpc, consumer, path: '/b', producer: shop });
    expect(b.targetGroup).toBe(a.targetGroup);
  });

  test('imported listeners are told apart by the load balancer in their ARNs', () => {
    const { stack, vpc, consumer, shop } = withConsumer();
    new PrivateLinkRoute(stack, 'A', { listener: imported(stack, 'One', listenerArn('edge/0123456789abcdef', '1111111111111111')), vpc, consumer, path: '/a', producer: shop });
    new PrivateLinkRoute(stack, 'B', { listener: imported(stack, 'Two', listenerArn('edge/0123456789abcdef', '2222222222222222')), vpc, consumer, path: '/b', producer: shop });
    expect(() => new PrivateLinkRoute(stack, 'C', { listener: imported(stack, 'Three', listenerArn('other/fedcba9876543210', '3333333333333333')), vpc, consumer, path: '/c', producer: shop }))
      .toThrow(/^Test\/C: consumer: 'Test\/Endpoints' serves the listeners of load balancer 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer\/app\/edge\/0123456789abcdef' \(route 'Test\/A'\)/);
  });

  test('a listener whose ARN is a token is not checked, with a warning', () => {
    const { stack, vpc, consumer, shop, route } = withConsumer();
    route('A', '/a', shop);
    const arn = new CfnParameter(stack, 'ListenerArn').valueAsString;
    expect(() => new PrivateLinkRoute(stack, 'B', { listener: imported(stack, 'Param', arn), vpc, consumer, path: '/b', producer: shop })).not.toThrow();
    Annotations.fromStack(stack).hasWarning('/Test/B', Match.stringLikeRegexp("^Test/B: listener: its ARN is known at deploy time only, so synthesis cannot check that every route of consumer 'Test/Endpoints' is on one load balancer"));
  });
});

test('a route given no VPC takes its consumer\'s, and without a consumer it needs one', () => {
  const { stack, vpc, listener, consumer, shop } = withConsumer();
  const route = new PrivateLinkRoute(stack, 'NoVpc', { listener, consumer, path: '/n', producer: shop });
  expect(route.privateLinkTargetGroup.node.scope).toBe(consumer);
  expect(consumer.vpc).toBe(vpc);
  expect(() => new PrivateLinkRoute(stack, 'Nowhere', { listener, path: '/w', producer: shop }))
    .toThrow(/^Test\/Nowhere: vpc: give the consumer VPC, where the route's interface endpoint goes, or a consumer\.$/);
});

test('a route in another stack than its consumer is rejected, naming both stacks', () => {
  const { stack, listener, consumer, shop } = withConsumer();
  const other = new Stack(stack.node.root as App, 'Other');
  expect(() => new PrivateLinkRoute(other, 'Route', { listener, consumer, path: '/o', producer: shop }))
    .toThrow(/^Other\/Route: consumer: 'Test\/Endpoints' is in stack 'Test', and the route in 'Other'; the route's rule and the endpoint's security-group rule would refer to each other across the stacks, so make the route in the consumer's stack\.$/);
});

test('the consumer\'s own placement is checked when it is made: subnets of another VPC, or outside the ALB\'s zones', () => {
  const { stack, vpc } = consumerStack({ inEuWest1: true, maxAzs: 3 });
  const web = producer(stack, 'Web');
  expect(() => new PrivateLinkConsumer(stack, 'Foreign', { vpc, endpointSubnets: { subnets: web.vpc.isolatedSubnets } }))
    .toThrow(/^Test\/Foreign: endpointSubnets: subnet 'Test\/Web\/.*' is in VPC 'Test\/Web', but these subnets must be in VPC 'Test\/Consumer'\.$/);
  expect(() => new PrivateLinkConsumer(stack, 'Outside', { vpc, endpointSubnets: { subnets: vpc.isolatedSubnets }, loadBalancerAvailabilityZones: ['eu-west-1a', 'eu-west-1b'] }))
    .toThrow(/^Test\/Outside: endpointSubnets: the endpoint subnets are in Availability Zones \(eu-west-1c\) where the ALB has no subnet/);
});

test('a route from a second copy of the library shares the router\'s endpoint, given the router as consumer', () => {
  const { stack, vpc, shop } = withConsumer();
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producer: shop }] });
  const route = new (secondCopyOfTheLibrary().PrivateLinkRoute)(stack, 'Copy', { listener: router.listener, consumer: router, path: '/c', producer: shop });
  expect(route.privateLinkTargetGroup).toBe(router.routes[0].privateLinkTargetGroup);
  expect(router.routes).toHaveLength(1);
});

test('a listener rule of the user\'s own forwards to the target group the router adds for it', () => {
  const { stack, vpc, shop } = withConsumer();
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
  const group = router.addPrivateLinkTargetGroup(shop, 9090);
  group.connections.allowFrom(router.listener, ec2.Port.tcp(9090));
  router.listener.addAction('Admin', {
    priority: 7,
    conditions: [elbv2.ListenerCondition.pathPatterns(['/admin/*'])],
    action: elbv2.ListenerAction.forward([group.targetGroupFor(9090)]),
  });
  expect(router.addRoute({ path: '/shop', producer: shop, port: 9090 }).targetGroup).toBe(group.targetGroupFor(9090));
  Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
    Priority: 7,
    Actions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(stack, group.targetGroupFor(9090)) } }],
  });
});

test('a route that creates its producer lists it as its one destination', () => {
  const { stack, vpc, web, listener, consumer } = withConsumer();
  const route = new PrivateLinkRoute(stack, 'Own', { listener, vpc, consumer, path: '/own', producerVpc: web.vpc, instances: web.instances });
  expect(route.destinations).toEqual([
    { producer: route.producer, port: 80, privateLinkTargetGroup: route.privateLinkTargetGroup, targetGroup: route.targetGroup },
  ]);
  expect(route.producer.node.scope).toBe(route);
});
