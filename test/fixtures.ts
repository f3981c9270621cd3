import { App, Stack } from 'aws-cdk-lib';
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
