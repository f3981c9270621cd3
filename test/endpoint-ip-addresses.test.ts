import { Fn, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { consumerStack, logicalId } from './fixtures';
import { EndpointIpAddresses } from '../src';

function endpointWith(subnets?: (vpc: ec2.Vpc) => ec2.SubnetSelection) {
  const { stack, vpc } = consumerStack();
  const endpoint = new ec2.InterfaceVpcEndpoint(stack, 'Endpoint', {
    vpc,
    service: new ec2.InterfaceVpcEndpointService('com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', 80),
    subnets: subnets?.(vpc) ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    open: false,
  });
  return { stack, vpc, endpoint };
}

/** The lookup's Create call: the literal JSON text and the tokens joined into it. */
function createCall(template: Template) {
  const [resource] = Object.values(template.findResources('Custom::EndpointIpAddresses'));
  const parts: unknown[] = resource.Properties.Create['Fn::Join'][1];
  return { resource, parts, text: parts.filter((part) => typeof part === 'string').join('') };
}

test('one output path per endpoint subnet, each the private IP of one of its network interfaces', () => {
  const { stack, endpoint } = endpointWith();
  const lookup = new EndpointIpAddresses(stack, 'Ips', { endpoint });
  const endpointId = logicalId(stack, endpoint);
  const { resource, parts, text } = createCall(Template.fromStack(stack));

  expect(text).toContain('"service":"EC2","action":"describeNetworkInterfaces"');
  expect(text).toContain('"outputPaths":["NetworkInterfaces.0.PrivateIpAddress","NetworkInterfaces.1.PrivateIpAddress"]');
  expect(parts).toContainEqual({ 'Fn::Select': [0, { 'Fn::GetAtt': [endpointId, 'NetworkInterfaceIds'] }] });
  expect(parts).toContainEqual({ 'Fn::Select': [1, { 'Fn::GetAtt': [endpointId, 'NetworkInterfaceIds'] }] });
  // The physical ID is the endpoint's: a replaced endpoint is a new lookup.
  expect(text).toContain('"physicalResourceId":{"id":"');
  expect(parts).toContainEqual({ Ref: endpointId });
  expect(resource.Properties.Update).toEqual(resource.Properties.Create);
  expect(resource.Properties.Delete).toBeUndefined();
  expect(resource.Properties.InstallLatestAwsSdk).toBe(false);

  const customResourceId = logicalId(stack, lookup.customResource);
  expect(stack.resolve(lookup.ipAddresses)).toEqual([
    { 'Fn::GetAtt': [customResourceId, 'NetworkInterfaces.0.PrivateIpAddress'] },
    { 'Fn::GetAtt': [customResourceId, 'NetworkInterfaces.1.PrivateIpAddress'] },
  ]);
});

test('an endpoint in one subnet yields one address', () => {
  const { stack, endpoint } = endpointWith((vpc) => ({ subnets: [vpc.isolatedSubnets[0]] }));
  const lookup = new EndpointIpAddresses(stack, 'Ips', { endpoint });
  expect(lookup.ipAddresses).toHaveLength(1);
  expect(createCall(Template.fromStack(stack)).text).toContain('"outputPaths":["NetworkInterfaces.0.PrivateIpAddress"]}');
});

test('the lookup may describe network interfaces and nothing else', () => {
  const { stack, endpoint } = endpointWith();
  new EndpointIpAddresses(stack, 'Ips', { endpoint });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::IAM::Policy', 1);
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: [{ Action: 'ec2:DescribeNetworkInterfaces', Effect: 'Allow', Resource: '*' }] },
  });
});

test('the network interface IDs are joined as strings, with no CfnJson stringify resource', () => {
  const { stack, endpoint } = endpointWith();
  new EndpointIpAddresses(stack, 'Ips', { endpoint });
  const types = Object.values(Template.fromStack(stack).toJSON().Resources).map((resource: any) => resource.Type);
  expect(types.filter((type) => type.startsWith('Custom::'))).toEqual(['Custom::EndpointIpAddresses']);
});

test('subnetCount is required when the endpoint subnets are a token', () => {
  const { stack, endpoint } = endpointWith();
  (endpoint.node.defaultChild as ec2.CfnVPCEndpoint).subnetIds = Fn.split(',', Fn.importValue('SubnetIds'));
  expect(() => new EndpointIpAddresses(stack, 'Ips', { endpoint }))
    .toThrow(/^Test\/Ips: subnetCount: cannot count the subnets of endpoint 'Test\/Endpoint' at synth time; give subnetCount/);
  const lookup = new EndpointIpAddresses(stack, 'Counted', { endpoint, subnetCount: 3 });
  expect(lookup.ipAddresses).toHaveLength(3);
});

test.each([0, -1, 1.5])('subnetCount %p is rejected', (subnetCount) => {
  const { stack, endpoint } = endpointWith();
  expect(() => new EndpointIpAddresses(stack, 'Ips', { endpoint, subnetCount }))
    .toThrow(/Test\/Ips: subnetCount: must be a positive integer/);
});

describe('the provider is shared', () => {
  function lookups(count: number, before?: (stack: Stack) => void) {
    const { stack, vpc } = consumerStack();
    before?.(stack);
    const ips = Array.from({ length: count }, (_, index) => new EndpointIpAddresses(stack, `Ips${index}`, {
      endpoint: new ec2.InterfaceVpcEndpoint(stack, `Endpoint${index}`, {
        vpc,
        service: new ec2.InterfaceVpcEndpointService(`com.amazonaws.vpce.us-east-1.vpce-svc-${index}`, 80),
        subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        open: false,
      }),
    }));
    return { stack, ips, template: Template.fromStack(stack) };
  }

  test('lookups in one stack share one provider role and one policy, and each waits for the policy', () => {
    const { template } = lookups(3);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role'));
    const [policyId] = Object.keys(template.findResources('AWS::IAM::Policy'));
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: roleId }] });
    template.hasResourceProperties('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    const lookupResources = Object.values(template.findResources('Custom::EndpointIpAddresses'));
    expect(lookupResources).toHaveLength(3);
    for (const resource of lookupResources) {
      expect(resource.DependsOn).toContain(policyId);
    }
  });

  test('when another AwsCustomResource made the provider first, its role gets the lookup policy and no role is added', () => {
    let other: cr.AwsCustomResource | undefined;
    const { stack, template } = lookups(2, (scope) => {
      other = new cr.AwsCustomResource(scope, 'Other', {
        onCreate: { service: 'STS', action: 'getCallerIdentity', physicalResourceId: cr.PhysicalResourceId.of('caller') },
        policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
        installLatestAwsSdk: false,
      });
    });
    template.resourceCountIs('AWS::IAM::Role', 1);
    const providerRoleId = logicalId(stack, other!.grantPrincipal as iam.Role);
    template.resourcePropertiesCountIs('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'ec2:DescribeNetworkInterfaces', Effect: 'Allow', Resource: '*' }] },
      Roles: [{ Ref: providerRoleId }],
    }, 1);
  });
});

test('a subnetCount other than the endpoint\'s known number of subnets is rejected', () => {
  const { stack, endpoint } = endpointWith();
  expect(() => new EndpointIpAddresses(stack, 'Ips', { endpoint, subnetCount: 3 }))
    .toThrow(/^Test\/Ips: subnetCount: is 3, but endpoint 'Test\/Endpoint' is in 2 subnets \(one network interface each\); leave subnetCount out, or give 2\./);
});

test('a subnetCount equal to the endpoint\'s number of subnets is accepted', () => {
  const { stack, endpoint } = endpointWith();
  expect(new EndpointIpAddresses(stack, 'Ips', { endpoint, subnetCount: 2 }).ipAddresses).toHaveLength(2);
});

test('a subnetCount that is a token is rejected', () => {
  const { stack, endpoint } = endpointWith();
  expect(() => new EndpointIpAddresses(stack, 'Ips', { endpoint, subnetCount: Token.asNumber({ Ref: 'Count' }) }))
    .toThrow(/^Test\/Ips: subnetCount: must be known at synth time, not a token/);
});
