import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { consumerStack, producer } from './fixtures';
import { acknowledgements, findings } from './judges';
import { ThreeVpcExampleStack } from '../integ/three-vpc-example';
import { AlbPrivateLinkRouter, AlbPrivateLinkRouterProps } from '../src';

function routerStack(props: Partial<AlbPrivateLinkRouterProps> = {}) {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
    ...props,
  });
  return { stack, router };
}

test('the three-VPC example has no unacknowledged AwsSolutions finding', () => {
  const stack = new ThreeVpcExampleStack(new App(), 'Example');
  expect(findings(stack)).toEqual([]);
});

test('of what the router creates, only the ALB without access logs is reported', () => {
  const { stack } = routerStack();
  expect(findings(stack).filter((finding) => finding.includes(' Test/Router/') || finding.includes('/AWS679f53'))).toEqual([
    'AwsSolutions-ELB2 Test/Router/LoadBalancer/Resource',
  ]);
});

test('each acknowledgement is on the exact resource it is true for', () => {
  const { stack } = routerStack();
  // aws-cdk-lib 2.276 also acknowledges a cfn-lint warning of its own (CloudFormation-Validate::W3010) on the stack.
  expect(acknowledgements(stack).filter((line) => line.includes(' AwsSolutions-')).sort()).toEqual([
    'Test/AWS679f53fac002430cb0da5b7982bd2287 AwsSolutions-L1',
    'Test/EndpointIpAddressesLookupPolicy AwsSolutions-IAM5[Resource::*]',
    'Test/EndpointIpAddressesProviderRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'Test/Router/SecurityGroup AwsSolutions-EC23',
    'Test/Router/a/ProducerWeb3C8945DB/LoadBalancer AwsSolutions-ELB2',
  ]);
});

test('with open: false nothing is open to the world, so nothing about it is acknowledged', () => {
  const { stack, router } = routerStack({ open: false });
  router.connections.allowDefaultPortFrom(ec2.Peer.ipv4('10.0.0.0/8'));
  expect(acknowledgements(stack)).not.toContainEqual(expect.stringContaining('EC23'));
  expect(findings(stack)).not.toContainEqual(expect.stringContaining('EC23'));
});

test('accessLogsBucket turns on ALB access logs, which clears the ALB finding', () => {
  const { stack, vpc } = consumerStack({ inEuWest1: true });
  const web = producer(stack, 'Web');
  const bucket = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true });
  new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    accessLogsBucket: bucket,
    accessLogsPrefix: 'router',
    routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
  });
  expect(findings(stack)).not.toContainEqual(expect.stringContaining('ELB2 Test/Router/LoadBalancer'));
  Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Type: 'application',
    LoadBalancerAttributes: Match.arrayWith([
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.bucket', Value: { Ref: stack.getLogicalId(bucket.node.defaultChild as never) } },
      { Key: 'access_logs.s3.prefix', Value: 'router' },
    ]),
  });
});

test('accessLogsPrefix without a bucket is rejected', () => {
  expect(() => routerStack({ accessLogsPrefix: 'router' }))
    .toThrow(/Test\/Router: accessLogsPrefix: is set without accessLogsBucket; give the bucket too/);
});
