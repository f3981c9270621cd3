import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { AlbPrivateLinkRouter, PrivateLinkRoute } from '../src';
import { consumerStack, producer } from './fixtures';

/** The logical IDs of a template's resources of one type. */
function logicalIdsOf(stack: Stack, type: string): string[] {
  return Object.keys(Template.fromStack(stack).findResources(type)).sort();
}

describe('listener rules are named after their listener and priority', () => {
  test('the router\'s rule takes the listener\'s logical ID and the priority', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances, priority: 7 }] });
    const listenerId = stack.resolve(router.listener.listenerArn).Ref;
    expect(logicalIdsOf(stack, 'AWS::ElasticLoadBalancingV2::ListenerRule')).toEqual([`${listenerId}Rule7`]);
  });

  test('renaming the stack\'s construct ID keeps the rules\' and producers\' logical IDs', () => {
    // aws-cdk-lib names security group rules after their peer's full path, stack included, so
    // those move anyway; everything the router names itself stays.
    const idsIn = (stackId: string) => {
      const stack = new Stack(new App(), stackId, { stackName: 'Edge' });
      const web = producer(stack, 'Web');
      new AlbPrivateLinkRouter(stack, 'Router', { vpc: producer(stack, 'Consumer').vpc, internetFacing: false, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }] });
      return Object.entries<any>(Template.fromStack(stack).toJSON().Resources)
        .filter(([, resource]) => !['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'].includes(resource.Type))
        .map(([logicalId]) => logicalId).sort();
    };
    const before = idsIn('EdgeStack');
    expect(before).toEqual(expect.arrayContaining([expect.stringMatching(/Rule\d+$/), expect.stringMatching(/^RouteraProducer.*LoadBalancer/)]));
    expect(idsIn('EdgeStackRenamed')).toEqual(before);
  });

  test('two routers in one stack name their rules apart, even at one priority', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    for (const id of ['One', 'Two']) {
      new AlbPrivateLinkRouter(stack, id, { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances, priority: 5 }] });
    }
    expect(logicalIdsOf(stack, 'AWS::ElasticLoadBalancingV2::ListenerRule')).toHaveLength(2);
  });

  test('two routes asking one imported listener for one priority fail, naming both', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const listenerArn = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/edge/0123456789abcdef/0123456789abcdef';
    const [first, second] = ['L1', 'L2'].map((id) => elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, id, {
      listenerArn,
      securityGroup: web.securityGroup,
    }));
    new PrivateLinkRoute(stack, 'A', { vpc, listener: first, path: '/a', producerVpc: web.vpc, instances: web.instances, priority: 9 });
    expect(() => new PrivateLinkRoute(stack, 'B', { vpc, listener: second, path: '/b', producerVpc: web.vpc, instances: web.instances, priority: 9 }))
      .toThrow(/^Test\/B: priority: route '\/b' asks for listener-rule priority 9, which route '\/a' \(Test\/A\) already has on the same listener; give one of them another priority/);
  });

  test('the HTTP redirect listener waits for the listener, which leaves port 80 when HTTPS is turned on', () => {
    const { stack, vpc } = consumerStack();
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      certificates: [elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/abc')],
    });
    const redirectId = stack.resolve(router.httpRedirectListener!.listenerArn).Ref;
    const listenerId = stack.resolve(router.listener.listenerArn).Ref;
    expect(Template.fromStack(stack).toJSON().Resources[redirectId].DependsOn).toContain(listenerId);
  });
});

test('a route in a nested stack admits the top-level stack\'s execution role', () => {
  const { stack } = consumerStack();
  const nested = new NestedStack(stack, 'Nested');
  const web = producer(nested, 'Web');
  new AlbPrivateLinkRouter(nested, 'Router', {
    vpc: producer(nested, 'Consumer').vpc,
    internetFacing: false,
    routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
  });
  const permissions = Object.values<any>(Template.fromStack(nested).findResources('AWS::EC2::VPCEndpointServicePermissions'));
  expect(permissions.map((resource) => resource.Properties.AllowedPrincipals)).toEqual([[{
    'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
  }]]);
});
