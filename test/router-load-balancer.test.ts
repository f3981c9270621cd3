import { Template, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { consumerStack, expectLeastPrivilege, groupIdOf, logicalId, producer, securityGroupRules, buildRouter as build } from './fixtures';
import { AlbPrivateLinkRouter } from '../src';

describe('the load balancer', () => {
  test('is internet-facing in the public subnets, drops invalid headers, and answers 404 when no route matches', () => {
    const { stack, vpc, router, template } = build(() => []);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internet-facing',
      Subnets: vpc.publicSubnets.map((subnet) => ({ Ref: logicalId(stack, subnet) })),
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: logicalId(stack, router.loadBalancer) },
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: Match.anyValue() } }],
    });
  });

  test('admits anyone on the listener port by default, and nothing else', () => {
    const { template } = build(() => []);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('AlbPrivateLinkRouter ALB'),
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Description: Match.anyValue() }],
    });
  });

  test('with open: false admits only what connections allow, on the listener port', () => {
    const built = build(() => [], { open: false, listenerPort: 8080 });
    const { stack, vpc, router } = built;
    const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    router.connections.allowDefaultPortFrom(clients);
    const template = built.template;
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('AlbPrivateLinkRouter ALB'),
      SecurityGroupIngress: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: groupIdOf(stack, router.loadBalancer.connections.securityGroups[0]),
      SourceSecurityGroupId: groupIdOf(stack, clients),
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
    });
  });

  test('internetFacing: false puts an internal ALB in the private subnets', () => {
    const { template } = build(() => [], { internetFacing: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application', Scheme: 'internal' });
  });

  test('an internet-facing ALB in a VPC without public subnets is rejected', () => {
    const { stack } = consumerStack();
    const isolated = producer(stack, 'Isolated').vpc;
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc: isolated }))
      .toThrow(/Test\/Router: internetFacing: an internet-facing ALB needs public subnets, and VPC 'Test\/Isolated' has none/);
    expect(() => new AlbPrivateLinkRouter(stack, 'Internal', { vpc: isolated, internetFacing: false })).not.toThrow();
  });


  test('an invalid listener port is rejected', () => {
    expect(() => build(() => [], { listenerPort: 70000 })).toThrow(/Test\/Router: listenerPort: must be an integer from 1 to 65535/);
  });
});

describe('security groups', () => {
  test('descriptions hold only characters EC2 accepts, whatever the path', () => {
    const { stack } = build((web) => [{ path: "/~o'b\"?", producerVpc: web.vpc, instances: web.instances }]);
    const descriptions = [
      ...securityGroupRules(Template.fromStack(stack)).map(({ rule }) => rule.Description),
      ...Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup')).map((group) => group.Properties.GroupDescription),
    ].filter((description) => typeof description === 'string');
    for (const description of descriptions) {
      expect(description).toMatch(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/);
    }
  });

  test('every rule the router creates names TCP on a route or listener port, and only the listener is open to the world', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const api = producer(stack, 'Api', 1);
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      listenerPort: 8000,
      routes: [
        { path: '/web', producerVpc: web.vpc, instances: web.instances, port: 8080 },
        { path: '/api', producerVpc: api.vpc, instances: api.instances, port: 9090 },
      ],
    });
    const template = Template.fromStack(stack);
    expectLeastPrivilege(template, {
      allowedPorts: [8000, 8080, 9090],
      worldGroup: logicalId(stack, router.loadBalancer.connections.securityGroups[0] as never),
      worldPort: 8000,
    });
    // ALB->endpoint and NLB->instances, both directions, per route.
    expect(securityGroupRules(template).filter(({ rule }) => rule.IpProtocol === 'tcp' && rule.FromPort !== 8000)).toHaveLength(8);
  });
});

