// Pins what src/private/aws-cdk-lib-internals.ts assumes of aws-cdk-lib: an upgrade that changes
// one of these fails here, naming the assumption, instead of somewhere downstream.
import { DefaultStackSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { consumerStack } from './fixtures';
import {
  acknowledgeRuleId, AWS_CUSTOM_RESOURCE_PROVIDER_ID, awaitInternetGatewayOfIpv6Routes, awsCustomResourceProviderOf, cloudFormationExecutionRoleArnOf,
  endpointSubnetCountOf, ENV_AGNOSTIC_ZONE,
} from '../src/private/aws-cdk-lib-internals';

function anyAwsCustomResource(stack: Stack): void {
  new cr.AwsCustomResource(stack, 'Call', {
    onCreate: { service: 'EC2', action: 'describeRegions', physicalResourceId: cr.PhysicalResourceId.of('regions') },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    installLatestAwsSdk: false,
  });
}

test('an AwsCustomResource creates its provider function as a child of the stack, under the ID assumed', () => {
  const { stack } = consumerStack();
  expect(awsCustomResourceProviderOf(stack)).toBeUndefined();
  anyAwsCustomResource(stack);
  anyAwsCustomResource(new Stack(stack.node.root, 'Other'));
  const provider = awsCustomResourceProviderOf(stack);
  expect(provider).toBeInstanceOf(lambda.Function);
  expect(provider?.node.id).toBe(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  expect(stack.node.findAll().filter((construct) => construct instanceof lambda.Function).map((fn) => fn.node.path))
    .toEqual([`Test/${AWS_CUSTOM_RESOURCE_PROVIDER_ID}`]);
});

test('an acknowledgement written directly is the metadata entry Validations.acknowledge writes', () => {
  const { stack, vpc } = consumerStack();
  const viaApi = new ec2.SecurityGroup(stack, 'ViaApi', { vpc });
  const direct = new ec2.SecurityGroup(stack, 'Direct', { vpc });
  Validations.of(viaApi).acknowledge({ id: 'AwsSolutions-EC23', reason: 'Why it holds.' });
  acknowledgeRuleId(direct, 'AwsSolutions-EC23', 'Why it holds.');
  const entries = (group: ec2.SecurityGroup) => group.node.metadata.map(({ type, data }) => ({ type, data }));
  expect(entries(direct)).toEqual(entries(viaApi));
  // The prefix is `annotation` in aws-cdk-lib 2.257 and `Annotation` in 2.276.
  expect(entries(direct).map(({ type, data }) => [type, Object.entries(data)])).toEqual([
    [Validations.ACKNOWLEDGED_RULES_METADATA_KEY, [[expect.stringMatching(/^annotation::AwsSolutions-EC23$/i), 'Why it holds.']]],
  ]);
});

test('an interface endpoint\'s L1 subnetIds lists one ID per subnet it is placed in', () => {
  const { stack, vpc } = consumerStack({ inEuWest1: true, maxAzs: 3 });
  const endpoint = vpc.addInterfaceEndpoint('Endpoint', {
    service: new ec2.InterfaceVpcEndpointService('com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', 80),
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  expect(endpointSubnetCountOf(endpoint)).toBe(vpc.isolatedSubnets.length);
  expect(stack.resolve((endpoint.node.defaultChild as ec2.CfnVPCEndpoint).subnetIds)).toHaveLength(vpc.isolatedSubnets.length);
});

test('the default synthesizer\'s execution role ARN has only placeholders Fn::Sub resolves in a template', () => {
  const { stack } = consumerStack();
  expect(stack.resolve(cloudFormationExecutionRoleArnOf(stack.synthesizer as DefaultStackSynthesizer))).toEqual({
    'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
  });
});

test('an environment-agnostic stack\'s zones resolve to the pattern assumed, by index', () => {
  const { stack } = consumerStack();
  const indexes = stack.availabilityZones.map((zone) => JSON.stringify(stack.resolve(zone)).match(ENV_AGNOSTIC_ZONE)?.[1]);
  expect(indexes).toEqual(['0', '1']);
});

test('a dual-stack ec2.Vpc names its gateway attachment VPCGW and each public subnet\'s IPv6 default route DefaultRoute6', () => {
  const { stack } = consumerStack();
  const vpc = new ec2.Vpc(stack, 'DualStack', { ipProtocol: ec2.IpProtocol.DUAL_STACK, maxAzs: 2, natGateways: 0 });
  expect(vpc.node.tryFindChild('VPCGW')).toBeInstanceOf(ec2.CfnVPCGatewayAttachment);
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute6');
    expect(route).toBeInstanceOf(ec2.CfnRoute);
    expect((route as ec2.CfnRoute).destinationIpv6CidrBlock).toBe('::/0');
  }
  awaitInternetGatewayOfIpv6Routes(vpc);
  for (const subnet of vpc.publicSubnets) {
    expect(subnet.node.findChild('DefaultRoute6').node.dependencies).toContain(vpc.node.findChild('VPCGW'));
  }
});
