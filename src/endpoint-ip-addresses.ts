import { Fn, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeRuleId, awsCustomResourceProviderOf, endpointSubnetCountOf } from './private/aws-cdk-lib-internals';
import { validateSynthTimeNumber } from './private/validation';

/** Properties of an `EndpointIpAddresses`. */
export interface EndpointIpAddressesProps {
  /**
   * The interface VPC endpoint whose network interfaces to look up. The class, not
   * `IInterfaceVpcEndpoint`: only an endpoint defined in the app exposes its network interface IDs.
   */
  readonly endpoint: ec2.InterfaceVpcEndpoint;

  /**
   * How many subnets the endpoint is placed in. An interface endpoint has exactly one network
   * interface per subnet, so this is also the number of IP addresses.
   *
   * @default - the length of the endpoint's `SubnetIds`; required when that list is a token,
   * and must equal it when it is not
   */
  readonly subnetCount?: number;
}

/**
 * The private IP addresses of an interface VPC endpoint's network interfaces, looked up at deploy
 * time.
 *
 * CloudFormation exposes an interface endpoint's network interface IDs but not their addresses,
 * which an ALB needs to register the endpoint as IP targets. This runs
 * `ec2:DescribeNetworkInterfaces` for those IDs in a custom resource, so the addresses are
 * available in the same deployment that creates the endpoint. The lookup runs again only when the
 * endpoint's network interfaces change (the endpoint is replaced or its subnets change).
 *
 * @example
 * import { EndpointIpAddresses } from 'cdk-alb-privatelink-router';
 *
 * const endpoint = vpc1.addInterfaceEndpoint('ExecuteApi', {
 *   service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
 *   subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true },
 * });
 * const addresses = new EndpointIpAddresses(this, 'ExecuteApiAddresses', { endpoint });
 * new CfnOutput(this, 'FirstAddress', { value: addresses.ipAddresses[0] });
 */
export class EndpointIpAddresses extends Construct {
  /**
   * One private IPv4 address per endpoint subnet (CloudFormation tokens). Their order follows the
   * EC2 API's answer, not the order of the subnets.
   */
  public readonly ipAddresses: string[];

  /** The custom resource that runs the lookup. */
  public readonly customResource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: EndpointIpAddressesProps) {
    super(scope, id);

    const known = endpointSubnetCountOf(props.endpoint);
    const count = props.subnetCount ?? known;
    if (count === undefined) {
      throw new Error(`${this.node.path}: subnetCount: cannot count the subnets of endpoint '${props.endpoint.node.path}' at synth time; give subnetCount.`);
    }
    if (props.subnetCount !== undefined) {
      validateSynthTimeNumber(this.node.path, 'subnetCount', props.subnetCount);
    }
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`${this.node.path}: subnetCount: must be a positive integer (one network interface per endpoint subnet), got ${count}.`);
    }
    if (known !== undefined && count !== known) {
      // A lookup of more interfaces than exist fails at deploy time; one of fewer leaves some out.
      throw new Error(`${this.node.path}: subnetCount: is ${count}, but endpoint '${props.endpoint.node.path}' is in ${known} subnets (one network interface each); leave subnetCount out, or give ${known}.`);
    }

    const networkInterfaceIds = Array.from({ length: count }, (_, index) =>
      Fn.select(index, props.endpoint.vpcEndpointNetworkInterfaceIds));
    const outputPaths = networkInterfaceIds.map((_, index) => `NetworkInterfaces.${index}.PrivateIpAddress`);

    const lookup: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describeNetworkInterfaces',
      // Listing each ID (rather than the list token) keeps the parameters a plain string join.
      parameters: { NetworkInterfaceIds: networkInterfaceIds },
      // The call (and so the resource's properties) changes exactly when the endpoint's
      // interfaces do, which is when CloudFormation runs it again; a new endpoint is a new lookup.
      physicalResourceId: cr.PhysicalResourceId.of(props.endpoint.vpcEndpointId),
      // The whole answer would exceed the 4 KB custom resource response limit.
      outputPaths,
    };

    const stack = Stack.of(this);
    this.customResource = new cr.AwsCustomResource(this, 'Lookup', {
      resourceType: 'Custom::EndpointIpAddresses',
      onCreate: lookup,
      onUpdate: lookup,
      installLatestAwsSdk: false,
      // A role rather than a policy: with `policy`, every lookup would add an inline policy to
      // the provider's role, and a role's inline policies may total 10,240 characters only.
      role: providerRoleOf(stack),
    });
    this.customResource.node.addDependency(lookupPolicyOf(stack, this.customResource.grantPrincipal as iam.IRole));

    this.ipAddresses = outputPaths.map((path) => this.customResource.getResponseField(path));
  }
}

const PROVIDER_ROLE_ID = 'EndpointIpAddressesProviderRole';
const LOOKUP_POLICY_ID = 'EndpointIpAddressesLookupPolicy';

/**
 * The role of the stack's AwsCustomResource provider function: the one it already has if another
 * AwsCustomResource created it first, otherwise one role shared by every lookup in the stack.
 */
function providerRoleOf(stack: Stack): iam.IRole {
  const existingProvider = awsCustomResourceProviderOf(stack);
  if (existingProvider instanceof lambda.Function && existingProvider.role) {
    return existingProvider.role;
  }
  // Only the first lookup gets here: it creates the provider with this role.
  return new iam.Role(stack, PROVIDER_ROLE_ID, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    description: 'AwsCustomResource provider: looks up the IP addresses of interface endpoints',
  });
}

/**
 * One policy per stack granting every lookup in it the only call it makes, attached to the
 * provider's role (the same for every lookup in the stack).
 */
function lookupPolicyOf(stack: Stack, providerRole: iam.IRole): iam.Policy {
  const existing = stack.node.tryFindChild(LOOKUP_POLICY_ID);
  if (existing instanceof iam.Policy) {
    return existing;
  }
  const policy = new iam.Policy(stack, LOOKUP_POLICY_ID, {
    roles: [providerRole],
    statements: [new iam.PolicyStatement({
      actions: ['ec2:DescribeNetworkInterfaces'],
      // DescribeNetworkInterfaces supports no resource-level permissions.
      resources: ['*'],
    })],
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ec2:DescribeNetworkInterfaces supports no resource-level permissions, so it can only be granted on "*"; it is the only action granted.',
  });
  acknowledgeProviderFindings(providerRole);
  return policy;
}

/** Findings of rule packs such as cdk-nag's AwsSolutions that hold for the provider by design. */
function acknowledgeProviderFindings(providerRole: iam.IRole): void {
  acknowledgeRuleId(providerRole,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The AwsCustomResource provider role has this AWS managed policy, which only lets the function write CloudWatch Logs.');
  const providerFunction = awsCustomResourceProviderOf(Stack.of(providerRole));
  if (providerFunction) {
    Validations.of(providerFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "aws-cdk-lib picks the AwsCustomResource provider's runtime to match the handler it bundles; AwsCustomResource offers no way to change it.",
    });
  }
}
