import { App, DefaultStackSynthesizer, IStackSynthesizer, LegacyStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AlbPrivateLinkRouter, PrivateLinkProducer } from '../src';
import { consumerStack, producer } from './fixtures';

/** The AllowedPrincipals of the one endpoint service of a stack's template. */
function allowedPrincipalsOf(stack: Stack): unknown {
  const permissions = Template.fromStack(stack).findResources('AWS::EC2::VPCEndpointServicePermissions');
  expect(Object.keys(permissions)).toHaveLength(1);
  return Object.values<any>(permissions)[0].Properties.AllowedPrincipals;
}

/** A stack with the given synthesizer and an internal router with one route that creates its producer. */
function routerWith(synthesizer: IStackSynthesizer): Stack {
  const stack = new Stack(new App(), 'Test', { synthesizer });
  const web = producer(stack, 'Web');
  new AlbPrivateLinkRouter(stack, 'Router', {
    vpc: producer(stack, 'Consumer').vpc,
    internetFacing: false,
    routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
  });
  return stack;
}

describe('who may connect to the endpoint service of a producer a route creates', () => {
  test('only the CloudFormation execution role that deploys the route\'s own endpoint', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }] });
    expect(allowedPrincipalsOf(stack)).toEqual([{
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
    }]);
  });

  test('the role of the stack\'s own bootstrap qualifier', () => {
    const stack = routerWith(new DefaultStackSynthesizer({ qualifier: 'platform' }));
    expect(JSON.stringify(allowedPrincipalsOf(stack))).toContain(':role/cdk-platform-cfn-exec-role-');
  });

  test('every principal of the account, with a warning, when the synthesizer names no execution role', () => {
    const stack = routerWith(new LegacyStackSynthesizer());
    expect(allowedPrincipalsOf(stack)).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] }]);
    Annotations.fromStack(stack).hasWarning('/Test/Router/a', Match.stringLikeRegexp('Test/Router/a: allowedPrincipals: the stack.s synthesizer names no CloudFormation execution role.*Give allowedPrincipals the role'));
  });

  test('a producer created on its own keeps its allowedPrincipals, for consumers outside the app', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const shared = new PrivateLinkProducer(stack, 'Shared', { vpc: web.vpc, instances: web.instances, allowedPrincipals: [new iam.ArnPrincipal('arn:aws:iam::222233334444:root')] });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producer: shared }] });
    expect(allowedPrincipalsOf(stack)).toEqual(['arn:aws:iam::222233334444:root']);
  });
});

test('a route to a producer that requires acceptance fails: nothing would accept its endpoint', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const manual = new PrivateLinkProducer(stack, 'Manual', { vpc: web.vpc, instances: web.instances, acceptanceRequired: true });
  expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producer: manual }] }))
    .toThrow(/^Test\/Router\/a: producer: 'Test\/Manual' requires acceptance of each endpoint connection, and nothing in the deployment accepts this endpoint's, so it would never carry traffic; set acceptanceRequired: false/);
});
