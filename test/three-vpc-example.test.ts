import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { expectLeastPrivilege, referencedIds, securityGroupRules } from './fixtures';
import { ThreeVpcExampleStack } from '../integ/three-vpc-example';

const stack = new ThreeVpcExampleStack(new App(), 'Example');
const template = Template.fromStack(stack);
const resources: Record<string, any> = template.toJSON().Resources;

function onlyResourceOfType(ids: string[], type: string): string {
  const matching = [...new Set(ids)].filter((id) => resources[id]?.Type === type);
  expect(matching).toHaveLength(1);
  return matching[0];
}

test('the example synthesises without warnings: both producers cover the endpoint zones', () => {
  // A stack of its own: synthesising one twice re-runs aspects, which then warn.
  const fresh = new ThreeVpcExampleStack(new App(), 'Fresh');
  expect(Annotations.fromStack(fresh).findWarning('*', Match.anyValue())).toEqual([]);
});

test('the example has one ALB, and per route one NLB, endpoint service, interface endpoint and listener rule', () => {
  template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application' }, 1);
  template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 2);
  template.resourceCountIs('AWS::EC2::VPCEndpointService', 2);
  template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 2);
  template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 2);
  template.resourceCountIs('AWS::EC2::Instance', 4);
  // One provider function serves every lookup.
  template.resourceCountIs('AWS::Lambda::Function', 1);
  template.resourceCountIs('AWS::EC2::NatGateway', 0);
});

test.each([
  ['/vpc2', 0],
  ['/vpc3', 1],
])('requests to %s reach exactly the web servers of that VPC, through the whole chain', (path, vpcIndex) => {
  const [ruleId] = Object.entries(resources).find(([, resource]) =>
    resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule'
    && resource.Properties.Conditions[0].PathPatternConfig.Values[0] === path)!;
  expect(resources[ruleId].Properties.Conditions).toEqual([
    { Field: 'path-pattern', PathPatternConfig: { Values: [path, `${path}/*`] } },
  ]);

  // rule → ALB target group → IP lookup → interface endpoint → endpoint service → NLB → NLB target group → instances
  const albTargetGroup = onlyResourceOfType(referencedIds(resources[ruleId].Properties.Actions), 'AWS::ElasticLoadBalancingV2::TargetGroup');
  expect(resources[albTargetGroup].Properties).toMatchObject({ TargetType: 'ip', Port: 80, Protocol: 'HTTP' });
  const lookup = onlyResourceOfType(referencedIds(resources[albTargetGroup].Properties.Targets), 'Custom::EndpointIpAddresses');
  expect(resources[albTargetGroup].Properties.Targets).toEqual([0, 1].map((index) => ({
    Id: { 'Fn::GetAtt': [lookup, `NetworkInterfaces.${index}.PrivateIpAddress`] }, Port: 80,
  })));
  const endpoint = onlyResourceOfType(referencedIds(resources[lookup].Properties.Create), 'AWS::EC2::VPCEndpoint');
  expect(resources[endpoint].Properties.VpcId).toEqual({ Ref: stack.getLogicalId(stack.consumerVpc.node.defaultChild as never) });
  expect(resources[endpoint].Properties.SubnetIds).toHaveLength(2);
  const service = onlyResourceOfType(referencedIds(resources[endpoint].Properties.ServiceName), 'AWS::EC2::VPCEndpointService');
  const nlb = onlyResourceOfType(referencedIds(resources[service].Properties.NetworkLoadBalancerArns), 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const nlbListener = Object.values(resources).find((resource) =>
    resource.Type === 'AWS::ElasticLoadBalancingV2::Listener' && resource.Properties.LoadBalancerArn.Ref === nlb)!;
  const nlbTargetGroup = onlyResourceOfType(referencedIds(nlbListener.Properties.DefaultActions), 'AWS::ElasticLoadBalancingV2::TargetGroup');
  const instances = referencedIds(resources[nlbTargetGroup].Properties.Targets);

  const producerVpc = stack.producerVpcs[vpcIndex];
  const expected = stack.webServers.filter((server) => server.node.scope === producerVpc.node.scope);
  expect(expected).toHaveLength(2);
  expect(instances.sort()).toEqual(expected.map((server) => stack.getLogicalId(server.node.defaultChild as never)).sort());
  const producerSubnets = producerVpc.isolatedSubnets.map((subnet) => ({ Ref: stack.getLogicalId(subnet.node.defaultChild as never) }));
  expect(resources[nlb].Properties.Subnets).toEqual(producerSubnets);
});

test('no security group rule uses protocol -1, and only the ALB listener port is open to the world', () => {
  const albGroup = stack.getLogicalId(stack.router.loadBalancer.connections.securityGroups[0].node.defaultChild as never);
  expect(securityGroupRules(template).length).toBeGreaterThanOrEqual(9);
  expectLeastPrivilege(template, { allowedPorts: [80], worldGroup: albGroup, worldPort: 80 });
});

test('the web servers require IMDSv2, take the image EC2 resolves at launch, and serve their VPC under its route path', () => {
  template.resourceCountIs('AWS::EC2::LaunchTemplate', 4);
  // Launch template names must be unique per account and region: none is set, so CloudFormation
  // makes one per template.
  const names = Object.values(template.findResources('AWS::EC2::LaunchTemplate')).map((resource) => resource.Properties.LaunchTemplateName);
  expect(names).toEqual([undefined, undefined, undefined, undefined]);
  template.allResourcesProperties('AWS::EC2::LaunchTemplate', {
    LaunchTemplateData: {
      MetadataOptions: { HttpTokens: 'required' },
      ImageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    },
  });
  // Each instance takes its image from its own template, so a newer image replaces none of them.
  const instances = Object.values(template.findResources('AWS::EC2::Instance'));
  expect(instances.map((instance) => instance.Properties.ImageId)).toEqual([undefined, undefined, undefined, undefined]);
  expect(new Set(instances.map((instance) => JSON.stringify(instance.Properties.LaunchTemplate.LaunchTemplateId))).size).toBe(4);
  const userData = JSON.stringify(stack.resolve(stack.webServers[0].userData.render()));
  expect(userData).toContain('mkdir -p /var/www/vpc2');
  expect(userData).toContain('python3 -m http.server 80 --directory /var/www');
});
