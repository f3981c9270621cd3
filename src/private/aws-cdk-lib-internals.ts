/**
 * The few things this library relies on that aws-cdk-lib does not offer as public API. Each is
 * kept here, and test/aws-cdk-lib-internals.test.ts fails if an aws-cdk-lib upgrade changes one.
 */
import { DefaultStackSynthesizer, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';

/**
 * The construct ID aws-cdk-lib gives a stack's one AwsCustomResource provider function, a child
 * of the stack: `AWS` + the provider UUID without dashes (aws-cdk-lib's `SingletonFunction` names
 * it after `lambdaPurpose` and the UUID). Every deployed provider's logical ID contains it.
 */
export const AWS_CUSTOM_RESOURCE_PROVIDER_ID = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;

/** The stack's AwsCustomResource provider function, if one has been created. */
export function awsCustomResourceProviderOf(stack: Stack): IConstruct | undefined {
  return stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
}

/**
 * The prefix `Validations.acknowledge` gives a rule ID without one (`annotation::` in aws-cdk-lib
 * 2.257, `Annotation::` in 2.276), as the installed aws-cdk-lib writes it: learnt by letting it
 * acknowledge a rule on a construct of its own, outside any app.
 */
function acknowledgedIdPrefix(): string {
  const probe = new Construct(undefined as unknown as Construct, 'AcknowledgementProbe');
  Validations.of(probe).acknowledge({ id: 'Probe', reason: 'Learns the prefix of acknowledged rule IDs.' });
  const entry = probe.node.metadata.find((metadata) => metadata.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  return Object.keys(entry?.data ?? {})[0]?.replace(/Probe$/, '') ?? 'annotation::';
}

/**
 * Acknowledges a rule finding on `construct` the way `Validations.of(construct).acknowledge`
 * does, for IDs that method rejects: it allows at most one `::`, and a managed-policy finding ID
 * such as `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/...]` has more. Writes
 * the metadata entry that method writes (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`,
 * `{ '<prefix>::<id>': reason }`), which rule packs such as cdk-nag read.
 */
export function acknowledgeRuleId(construct: IConstruct, id: string, reason: string): void {
  construct.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`${acknowledgedIdPrefix()}${id}`]: reason });
}

/**
 * How many subnets an interface endpoint is placed in, read from its L1 `subnetIds` (the L2
 * keeps its subnets to itself); undefined when that list is not known at synth time.
 */
export function endpointSubnetCountOf(endpoint: ec2.InterfaceVpcEndpoint): number | undefined {
  const subnetIds = (endpoint.node.defaultChild as ec2.CfnVPCEndpoint).subnetIds;
  return subnetIds === undefined || Token.isUnresolved(subnetIds) ? undefined : subnetIds.length;
}

/**
 * The CloudFormation execution role of a `DefaultStackSynthesizer`, usable in a template. The
 * synthesizer gives its ARN with `${AWS::AccountId}`-style placeholders, which the CDK CLI fills
 * in; in a template they need `Fn::Sub`.
 */
export function cloudFormationExecutionRoleArnOf(synthesizer: DefaultStackSynthesizer): string {
  return Fn.sub(synthesizer.cloudFormationExecutionRoleArn);
}

/**
 * A zone of an environment-agnostic stack, as `JSON.stringify(stack.resolve(zone))`: aws-cdk-lib
 * renders `stack.availabilityZones` there as `Fn::Select [i, Fn::GetAZs '']`, so zones compare by
 * their index `i`.
 */
export const ENV_AGNOSTIC_ZONE = /^\{"Fn::Select":\[(\d+),\{"Fn::GetAZs":""\}\]\}$/;

/**
 * Makes the IPv6 default routes of `vpc`'s public subnets wait for its internet gateway to be
 * attached, where aws-cdk-lib's `ec2.Vpc` leaves that out: before 2.266.0 its route `DefaultRoute6`
 * of each public subnet did not depend on the attachment `VPCGW` (its IPv4 `DefaultRoute` does),
 * so CloudFormation could create the route first and EC2 refused it (aws/aws-cdk#37853). Does
 * nothing for other VPCs, or where the dependency is there.
 */
export function awaitInternetGatewayOfIpv6Routes(vpc: ec2.IVpc): void {
  const attachment = vpc.node.tryFindChild('VPCGW');
  if (!(attachment instanceof ec2.CfnVPCGatewayAttachment)) return;
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute6');
    if (route instanceof ec2.CfnRoute && !route.node.dependencies.includes(attachment)) {
      route.node.addDependency(attachment);
    }
  }
}
