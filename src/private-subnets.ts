import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The default placement of NLBs and interface endpoints: the VPC's private subnets, with egress
 * (NAT) if it has them, else isolated ones, one per Availability Zone. Never public subnets.
 */
export function privateSubnetsOf(vpc: ec2.IVpc, needer: string): ec2.SubnetSelection {
  if (vpc.privateSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true };
  }
  if (vpc.isolatedSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true };
  }
  throw new Error(`${needer}: VPC '${vpc.node.path}' has no private or isolated subnets; add some or choose the subnets explicitly.`);
}
