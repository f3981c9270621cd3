// PrivateLinkConsumer: the public way routes on listeners of a user's own share the consumer side,
// as a router's routes do (the router is a consumer too).
import { Names } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerStack, expectLeastPrivilege, logicalId, producer, securityGroupRules } from './fixtures';
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
  const group = consumer.connect(shop);
  expect(group.node.path).toBe(`Test/Endpoints/PrivateLink${Names.nodeUniqueId(shop.node)}`);
  expect(group.ports).toEqual([8080]);
  expect(consumer.connect(shop, 8080)).toBe(group);
  expect(consumer.connect(shop, 9090)).toBe(group);
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
