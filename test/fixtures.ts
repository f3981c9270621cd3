import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** A stack with a consumer VPC (public + isolated subnets) to build routers in. */
export function consumerStack(): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Consumer', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return { stack, vpc };
}

/** A producer VPC with isolated subnets only and `count` instances sharing one security group. */
export function producer(stack: Stack, id: string, count = 2): { vpc: ec2.Vpc; instances: ec2.Instance[]; securityGroup: ec2.SecurityGroup } {
  const vpc = new ec2.Vpc(stack, id, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const securityGroup = new ec2.SecurityGroup(stack, `${id}InstanceSecurityGroup`, { vpc, allowAllOutbound: false });
  const instances = Array.from({ length: count }, (_, index) => new ec2.Instance(stack, `${id}Instance${index}`, {
    vpc,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    securityGroup,
  }));
  return { vpc, instances, securityGroup };
}

/** The logical ID CloudFormation gives a construct's default resource. */
export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/**
 * Asserts that `from` may send TCP `port` to `to` and nothing else: `to` has exactly one
 * separate ingress rule (from `from`) and `from` exactly one separate egress rule (to `to`).
 */
export function expectOnlyTcpBetween(template: Template, from: unknown, to: unknown, port: number): void {
  const tcp = { IpProtocol: 'tcp', FromPort: port, ToPort: port };
  template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { GroupId: to }, 1);
  template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: to, SourceSecurityGroupId: from, ...tcp });
  template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupEgress', { GroupId: from }, 1);
  template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: from, DestinationSecurityGroupId: to, ...tcp });
}
