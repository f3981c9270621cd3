/**
 * Runs the endpoint IP lookup the way a deployment would, offline: the lookup's properties from
 * the synthesized three-VPC example, resolved as CloudFormation would resolve them, are handed to
 * aws-cdk-lib's own AwsCustomResource Lambda handler, which calls moto's EC2 API. What the handler
 * sends back to CloudFormation is then checked against what moto knows about the endpoint.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import https from 'node:https';
import { isIPv4 } from 'node:net';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  CreateVpcEndpointServiceConfigurationCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  ModifyVpcEndpointCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  awsEnvironmentFor,
  MOTO_REGION,
  motoClientConfig,
  MotoServer,
  RecordedRequest,
  RequestRecorder,
  setEnvironment,
  startMotoServer,
  startRequestRecorder,
} from './moto-server';
import { ThreeVpcExampleStack } from '../../integ/three-vpc-example';
import { referencedIds } from '../fixtures';

const TEST_TIMEOUT_MS = 60_000;

/** The handler aws-cdk-lib deploys as the AwsCustomResource provider function. */
const HANDLER_PATH = path.join(
  path.dirname(require.resolve('aws-cdk-lib/package.json')),
  'custom-resource-handlers/dist/custom-resources/aws-custom-resource-handler/index.js',
);

/** Where CloudFormation's pre-signed response URLs point in us-east-1. */
const RESPONSE_HOST = 'cloudformation-custom-resource-response-useast1.s3.amazonaws.com';

/** CloudFormation rejects a custom resource response larger than this. */
const MAX_RESPONSE_BYTES = 4096;

const ACCOUNT = '123456789012';
const STACK_ID = `arn:aws:cloudformation:${MOTO_REGION}:${ACCOUNT}:stack/Example/${randomUUID()}`;
const PROVIDER_ARN = `arn:aws:lambda:${MOTO_REGION}:${ACCOUNT}:function:Example-AWS679f53fac002430cb0da5b7982bd2287`;
const LAMBDA_CONTEXT = {
  functionName: 'Example-AWS679f53fac002430cb0da5b7982bd2287',
  awsRequestId: randomUUID(),
  // The handler reports a failure under this as the physical resource ID.
  logStreamName: '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
};

// ---------------------------------------------------------------------------------------------
// The synthesized template
// ---------------------------------------------------------------------------------------------

interface CfnResource {
  readonly Type: string;
  readonly Properties?: { readonly [name: string]: any };
}

interface CfnTemplate {
  readonly Resources: { readonly [logicalId: string]: CfnResource };
}

/** One `Custom::EndpointIpAddresses` and what it is wired to, found by type and reference. */
interface LookupWiring {
  readonly lookupId: string;
  readonly lookup: CfnResource;
  readonly endpointId: string;
  readonly endpoint: CfnResource;
  readonly providerId: string;
  readonly subnetCount: number;
  readonly targetGroupId: string;
  readonly targetGroup: CfnResource;
}

function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .sort(([a], [b]) => a.localeCompare(b));
}

function wiringOf(template: CfnTemplate, lookupId: string): LookupWiring {
  const lookup = template.Resources[lookupId];
  const endpointIds = [...new Set(referencedIds(lookup.Properties?.Create))];
  expect(endpointIds).toHaveLength(1);
  const [endpointId] = endpointIds;
  const endpoint = template.Resources[endpointId];

  const [providerId, providerAttribute] = lookup.Properties?.ServiceToken['Fn::GetAtt'] ?? [];
  expect(providerAttribute).toBe('Arn');

  const targetGroups = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::TargetGroup')
    .filter(([, group]) => referencedIds(group.Properties?.Targets).includes(lookupId));
  expect(targetGroups).toHaveLength(1);
  const [[targetGroupId, targetGroup]] = targetGroups;

  return {
    lookupId,
    lookup,
    endpointId,
    endpoint,
    providerId,
    subnetCount: endpoint.Properties?.SubnetIds.length,
    targetGroupId,
    targetGroup,
  };
}

function outputPathsFor(subnetCount: number): string[] {
  return Array.from({ length: subnetCount }, (_, index) => `NetworkInterfaces.${index}.PrivateIpAddress`);
}

// ---------------------------------------------------------------------------------------------
// Resolving the lookup's properties as CloudFormation does
// ---------------------------------------------------------------------------------------------

/** What CloudFormation knows about deployed resources when it resolves a resource's properties. */
interface Deployed {
  readonly refs: { readonly [logicalId: string]: string };
  readonly attributes: { readonly [logicalId: string]: { readonly [attribute: string]: unknown } };
}

/** Resolves the intrinsic functions the lookup uses; anything else is a test error, not a guess. */
function resolveIntrinsics(value: unknown, deployed: Deployed): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, deployed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    const [[name, args]] = entries;
    return resolveIntrinsic(name, args, deployed);
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolveIntrinsics(inner, deployed)]));
}

function resolveIntrinsic(name: string, args: any, deployed: Deployed): unknown {
  switch (name) {
    case 'Ref': {
      const value = deployed.refs[args];
      if (value === undefined) throw new Error(`no deployed value for Ref ${args}`);
      return value;
    }
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = args as [string, string];
      const value = deployed.attributes[logicalId]?.[attribute];
      if (value === undefined) throw new Error(`no deployed value for Fn::GetAtt ${logicalId}.${attribute}`);
      return value;
    }
    case 'Fn::Join': {
      const [separator, parts] = args as [string, unknown[]];
      const values = parts.map((part) => resolveIntrinsics(part, deployed));
      if (values.some((part) => typeof part !== 'string')) {
        throw new Error(`Fn::Join of a non-string: ${JSON.stringify(values)}`);
      }
      return values.join(separator);
    }
    case 'Fn::Select': {
      const index = Number(resolveIntrinsics(args[0], deployed));
      const list = resolveIntrinsics(args[1], deployed);
      // CloudFormation fails the deployment the same way.
      if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
        throw new Error(`Fn::Select index ${index} is out of range of ${JSON.stringify(list)}`);
      }
      return list[index];
    }
    default:
      throw new Error(`the test's resolver does not support ${name}`);
  }
}

/** CloudFormation hands custom resources every scalar property as a string (false becomes "false"). */
function asDelivered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asDelivered);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, asDelivered(inner)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/** The lookup's properties once its endpoint is deployed with `endpoint`'s ID and interfaces. */
function lookupProperties(wiring: LookupWiring, endpoint: { id: string; eniIds: string[] }): Record<string, unknown> {
  const deployed: Deployed = {
    refs: { [wiring.endpointId]: endpoint.id },
    attributes: {
      [wiring.endpointId]: { NetworkInterfaceIds: endpoint.eniIds },
      [wiring.providerId]: { Arn: PROVIDER_ARN },
    },
  };
  return asDelivered(resolveIntrinsics(wiring.lookup.Properties, deployed)) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Running aws-cdk-lib's handler
// ---------------------------------------------------------------------------------------------

interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data: Record<string, unknown>;
}

interface HandlerRun {
  readonly response: CustomResourceResponse;
  readonly responseBytes: number;
  /** The AWS calls the handler made (through the recorder in front of moto). */
  readonly calls: RecordedRequest[];
  readonly logs: string[];
}

type Handler = (event: CustomResourceEvent, context: typeof LAMBDA_CONTEXT) => Promise<void>;

function customResourceEvent(
  wiring: LookupWiring,
  requestType: CustomResourceEvent['RequestType'],
  properties: Record<string, unknown>,
  previous?: { physicalResourceId: string; properties: Record<string, unknown> },
): CustomResourceEvent {
  const requestId = randomUUID();
  const responseKey = encodeURIComponent(`${STACK_ID}|${wiring.lookupId}|${requestId}`);
  return {
    RequestType: requestType,
    ServiceToken: properties.ServiceToken as string,
    ResponseURL: `https://${RESPONSE_HOST}/${responseKey}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=0123abcd`,
    StackId: STACK_ID,
    RequestId: requestId,
    ResourceType: wiring.lookup.Type,
    LogicalResourceId: wiring.lookupId,
    ...(previous && { PhysicalResourceId: previous.physicalResourceId }),
    ResourceProperties: properties,
    ...(previous && requestType === 'Update' && { OldResourceProperties: previous.properties }),
  };
}

/** A stand-in for the request to CloudFormation's pre-signed S3 URL: records the body, answers 200. */
class FakeClientRequest extends EventEmitter {
  private readonly chunks: Buffer[] = [];

  constructor(private readonly onEnd: (body: string) => void) {
    super();
  }

  write(chunk: string | Buffer): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }

  end(chunk?: string | Buffer): this {
    if (chunk) this.write(chunk);
    setImmediate(() => this.onEnd(Buffer.concat(this.chunks).toString('utf8')));
    return this;
  }
}

async function runHandler(handler: Handler, recorder: RequestRecorder, event: CustomResourceEvent): Promise<HandlerRun> {
  const sent: { options: any; body: string }[] = [];
  // Every https request the handler makes is captured: its only one should be the response, and
  // nothing may reach real AWS.
  const requestSpy = jest.spyOn(https, 'request').mockImplementation(((options: any, callback?: (response: unknown) => void) =>
    new FakeClientRequest((body) => {
      sent.push({ options, body });
      const response = Object.assign(new PassThrough(), { statusCode: 200, statusMessage: 'OK', headers: {} });
      response.end();
      callback?.(response);
    })) as unknown as typeof https.request);
  const logs: string[] = [];
  const logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  });
  const firstCall = recorder.requests.length;
  try {
    // The handler parses its properties in place; CloudFormation sends a fresh event every time.
    await handler(structuredClone(event), LAMBDA_CONTEXT);
  } finally {
    requestSpy.mockRestore();
    logSpy.mockRestore();
  }

  expect(sent).toHaveLength(1);
  const [{ options, body }] = sent;
  const responseUrl = new URL(event.ResponseURL);
  expect(options).toMatchObject({ hostname: RESPONSE_HOST, path: `${responseUrl.pathname}${responseUrl.search}`, method: 'PUT' });
  expect(options.headers['content-length']).toBe(Buffer.byteLength(body, 'utf8'));
  const response = JSON.parse(body) as CustomResourceResponse;
  // CloudFormation discards a response that does not name its request.
  expect(response).toMatchObject({ StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId });
  return { response, responseBytes: Buffer.byteLength(body, 'utf8'), calls: recorder.requests.slice(firstCall), logs };
}

/** The handler's log, shown when an assertion on its response fails. */
function withLogs(run: HandlerRun): string {
  return `${JSON.stringify(run.response, null, 2)}\nhandler log:\n${run.logs.join('\n')}`;
}

// ---------------------------------------------------------------------------------------------
// The AWS side, in moto
// ---------------------------------------------------------------------------------------------

interface Network {
  readonly consumerVpcId: string;
  /** Consumer subnets in us-east-1a, 1b and 1c. */
  readonly consumerSubnetIds: string[];
  readonly endpointSecurityGroupId: string;
  readonly serviceName: string;
}

interface EndpointState {
  readonly id: string;
  readonly subnetIds: string[];
  /** In the order EC2 lists them on the endpoint. */
  readonly eniIds: string[];
  readonly addressByEni: Map<string, string>;
  readonly subnetByEni: Map<string, string>;
}

async function createNetwork(ec2: EC2Client, elbv2: ElasticLoadBalancingV2Client): Promise<Network> {
  const vpc = async (cidr: string) => (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnet = async (vpcId: string, cidr: string, zone: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!;

  const producerVpcId = await vpc('10.2.0.0/16');
  const producerSubnetIds = [
    await subnet(producerVpcId, '10.2.0.0/24', 'us-east-1a'),
    await subnet(producerVpcId, '10.2.1.0/24', 'us-east-1b'),
  ];
  const nlb = await elbv2.send(new CreateLoadBalancerCommand({
    Name: 'producer-nlb',
    Type: 'network',
    Scheme: 'internal',
    Subnets: producerSubnetIds,
  }));
  const service = await ec2.send(new CreateVpcEndpointServiceConfigurationCommand({
    NetworkLoadBalancerArns: [nlb.LoadBalancers![0].LoadBalancerArn!],
    AcceptanceRequired: false,
  }));

  const consumerVpcId = await vpc('10.1.0.0/16');
  const consumerSubnetIds = [
    await subnet(consumerVpcId, '10.1.0.0/24', 'us-east-1a'),
    await subnet(consumerVpcId, '10.1.1.0/24', 'us-east-1b'),
    await subnet(consumerVpcId, '10.1.2.0/24', 'us-east-1c'),
  ];
  const securityGroup = await ec2.send(new CreateSecurityGroupCommand({
    GroupName: 'endpoint',
    Description: 'interface endpoint',
    VpcId: consumerVpcId,
  }));
  return {
    consumerVpcId,
    consumerSubnetIds,
    endpointSecurityGroupId: securityGroup.GroupId!,
    serviceName: service.ServiceConfiguration!.ServiceName!,
  };
}

async function createEndpoint(ec2: EC2Client, network: Network, subnetIds: string[]): Promise<EndpointState> {
  const created = await ec2.send(new CreateVpcEndpointCommand({
    VpcEndpointType: 'Interface',
    VpcId: network.consumerVpcId,
    ServiceName: network.serviceName,
    SubnetIds: subnetIds,
    SecurityGroupIds: [network.endpointSecurityGroupId],
    PrivateDnsEnabled: false,
  }));
  return readEndpoint(ec2, created.VpcEndpoint!.VpcEndpointId!);
}

/** The endpoint as EC2 describes it, with its network interfaces' addresses. */
async function readEndpoint(ec2: EC2Client, endpointId: string): Promise<EndpointState> {
  const [endpoint] = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [endpointId] }))).VpcEndpoints!;
  const eniIds = endpoint.NetworkInterfaceIds ?? [];
  const enis = eniIds.length === 0 ? [] :
    (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: eniIds }))).NetworkInterfaces!;
  return {
    id: endpointId,
    subnetIds: endpoint.SubnetIds ?? [],
    eniIds,
    addressByEni: new Map(enis.map((eni) => [eni.NetworkInterfaceId!, eni.PrivateIpAddress!])),
    subnetByEni: new Map(enis.map((eni) => [eni.NetworkInterfaceId!, eni.SubnetId!])),
  };
}

/** As on AWS: exactly one network interface in each of the endpoint's subnets. */
function interfacesFollowSubnets(endpoint: EndpointState): boolean {
  const eniSubnets = endpoint.eniIds.map((eniId) => endpoint.subnetByEni.get(eniId)).sort();
  return JSON.stringify(eniSubnets) === JSON.stringify([...endpoint.subnetIds].sort());
}

function addressesOf(endpoint: EndpointState): Set<string> {
  return new Set(endpoint.addressByEni.values());
}

function lookedUpAddresses(data: Record<string, unknown>, outputPaths: string[]): Set<unknown> {
  return new Set(outputPaths.map((outputPath) => data[outputPath]));
}

/**
 * The keys of the response's Data that are exactly an output path. The handler keeps every
 * flattened key that *starts with* an output path, so `NetworkInterfaces.0.PrivateIpAddress` also
 * lets through `NetworkInterfaces.0.PrivateIpAddresses.0.PrivateIpAddress` and its siblings.
 */
function exactOutputKeys(data: Record<string, unknown>): string[] {
  return Object.keys(data).filter((key) => /^NetworkInterfaces\.\d+\.PrivateIpAddress$/.test(key)).sort();
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe("endpoint IP lookup run by aws-cdk-lib's AwsCustomResource handler against moto", () => {
  let template: CfnTemplate;
  let wiring: LookupWiring;
  let outputPaths: string[];
  let handler: Handler;
  let moto: MotoServer | undefined;
  let recorder: RequestRecorder | undefined;
  let restoreEnvironment: (() => void) | undefined;
  let ec2: EC2Client;
  let elbv2: ElasticLoadBalancingV2Client;
  let network: Network;
  let endpoint: EndpointState;
  // Carried from one step of the resource's life to the next, as CloudFormation does.
  let created: HandlerRun | undefined;
  let current: { physicalResourceId: string; properties: Record<string, unknown> } | undefined;

  beforeAll(async () => {
    template = Template.fromStack(new ThreeVpcExampleStack(new App(), 'Example')).toJSON() as CfnTemplate;
    const [[firstLookupId]] = resourcesOfType(template, 'Custom::EndpointIpAddresses');
    wiring = wiringOf(template, firstLookupId);
    outputPaths = outputPathsFor(wiring.subnetCount);
    handler = jest.requireActual<{ handler: Handler }>(HANDLER_PATH).handler;

    moto = await startMotoServer({ readyTimeoutMs: 30_000 });
    recorder = await startRequestRecorder(moto.endpoint);
    // The handler builds its own SDK clients; these send them (and only them) to moto.
    restoreEnvironment = setEnvironment(awsEnvironmentFor(recorder.endpoint));
    ec2 = new EC2Client(motoClientConfig(moto));
    elbv2 = new ElasticLoadBalancingV2Client(motoClientConfig(moto));

    network = await createNetwork(ec2, elbv2);
    // As in the example: one endpoint subnet per Availability Zone, here the first two.
    endpoint = await createEndpoint(ec2, network, network.consumerSubnetIds.slice(0, wiring.subnetCount));
  }, 90_000);

  afterAll(async () => {
    restoreEnvironment?.();
    ec2?.destroy();
    elbv2?.destroy();
    await recorder?.stop();
    await moto?.stop();
  });

  test('the template wires every lookup to one interface endpoint and one ip target group', () => {
    const lookups = resourcesOfType(template, 'Custom::EndpointIpAddresses');
    expect(lookups.length).toBeGreaterThan(0);
    for (const [lookupId] of lookups) {
      const lookupWiring = wiringOf(template, lookupId);
      const { lookup, endpoint: endpointResource, endpointId, subnetCount } = lookupWiring;
      const paths = outputPathsFor(subnetCount);

      expect(endpointResource.Type).toBe('AWS::EC2::VPCEndpoint');
      expect(endpointResource.Properties?.VpcEndpointType).toBe('Interface');
      expect(subnetCount).toBeGreaterThan(0);
      expect(template.Resources[lookupWiring.providerId].Type).toBe('AWS::Lambda::Function');
      expect(lookup.Properties?.Update).toEqual(lookup.Properties?.Create);
      expect(lookup.Properties?.Delete).toBeUndefined();
      // "true" would make the handler run `npm install` at deploy time.
      expect(lookup.Properties?.InstallLatestAwsSdk).toBe(false);

      // One Fn::Select per subnet over the endpoint's interface IDs, and the endpoint's own ID.
      const selects = (lookup.Properties?.Create['Fn::Join'][1] as unknown[])
        .filter((part): part is { 'Fn::Select': [number, unknown] } => typeof part === 'object' && part !== null && 'Fn::Select' in part);
      expect(selects).toEqual(paths.map((_, index) => ({ 'Fn::Select': [index, { 'Fn::GetAtt': [endpointId, 'NetworkInterfaceIds'] }] })));
      expect(JSON.stringify(lookup.Properties?.Create)).toContain(JSON.stringify({ Ref: endpointId }));

      // Resolved with stand-in values, the call is the one the library means to make.
      const call = JSON.parse(lookupProperties(lookupWiring, {
        id: 'vpce-0123456789abcdef0',
        eniIds: paths.map((_, index) => `eni-${index}`),
      }).Create as string);
      expect(call).toEqual({
        service: 'EC2',
        action: 'describeNetworkInterfaces',
        parameters: { NetworkInterfaceIds: paths.map((_, index) => `eni-${index}`) },
        physicalResourceId: { id: 'vpce-0123456789abcdef0' },
        outputPaths: paths,
      });

      // The ALB's targets are the lookup's outputs, in the endpoint's VPC.
      const group = lookupWiring.targetGroup.Properties!;
      expect(group.TargetType).toBe('ip');
      expect(group.Targets.map((target: { Id: unknown }) => target.Id))
        .toEqual(paths.map((outputPath) => ({ 'Fn::GetAtt': [lookupId, outputPath] })));
      expect(group.VpcId).toEqual(endpointResource.Properties?.VpcId);
    }
  });

  test('Create: the handler answers SUCCESS with the private IPs of the endpoint\'s network interfaces', async () => {
    expect(endpoint.eniIds).toHaveLength(wiring.subnetCount);
    expect(interfacesFollowSubnets(endpoint)).toBe(true);

    const properties = lookupProperties(wiring, endpoint);
    const run = await runHandler(handler, recorder!, customResourceEvent(wiring, 'Create', properties));
    created = run;
    current = { physicalResourceId: run.response.PhysicalResourceId, properties };

    expect({ status: run.response.Status, log: run.response.Status === 'SUCCESS' ? '' : withLogs(run) }).toEqual({ status: 'SUCCESS', log: '' });
    // A new endpoint (replacement) is a new lookup: the physical ID is the endpoint's.
    expect(run.response.PhysicalResourceId).toBe(endpoint.id);
    expect(exactOutputKeys(run.response.Data)).toEqual(outputPaths);
    expect(lookedUpAddresses(run.response.Data, outputPaths)).toEqual(addressesOf(endpoint));
    for (const address of addressesOf(endpoint)) expect(isIPv4(address)).toBe(true);
    // The only other keys are those the handler's prefix match lets through, the same interfaces'
    // `PrivateIpAddresses.*` list; together they stay within CloudFormation's response size limit.
    for (const key of Object.keys(run.response.Data)) {
      expect({ key, expected: outputPaths.some((outputPath) => key === outputPath || key.startsWith(`${outputPath}es.`)) })
        .toEqual({ key, expected: true });
    }
    expect(run.responseBytes).toBeLessThan(MAX_RESPONSE_BYTES);

    // Exactly one EC2 call, for exactly the endpoint's interfaces, which succeeded.
    expect(run.calls.map((call) => [call.action, call.status])).toEqual([['DescribeNetworkInterfaces', 200]]);
    const requestedIds = [...new URLSearchParams(run.calls[0].body).entries()]
      .filter(([name]) => name.startsWith('NetworkInterfaceId.'))
      .map(([, value]) => value);
    expect(requestedIds.sort()).toEqual([...endpoint.eniIds].sort());
  }, TEST_TIMEOUT_MS);

  test('the looked-up addresses, through the template\'s targets, become the ip target group\'s targets', async () => {
    expect(created?.response.Status).toBe('SUCCESS');
    const group = wiring.targetGroup.Properties!;
    expect(group).toMatchObject({ Protocol: 'HTTP', Port: 80, TargetType: 'ip' });

    // Resolve the template's Targets against the lookup's response, as CloudFormation would.
    const targets = resolveIntrinsics(group.Targets, {
      refs: {},
      attributes: { [wiring.lookupId]: created!.response.Data },
    }) as { Id: string; Port: number }[];
    const targetGroup = await elbv2.send(new CreateTargetGroupCommand({
      Name: 'endpoint-targets',
      VpcId: network.consumerVpcId,
      Protocol: group.Protocol,
      Port: group.Port,
      TargetType: group.TargetType,
    }));
    const targetGroupArn = targetGroup.TargetGroups![0].TargetGroupArn!;
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: targets }));

    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    const registered = health.TargetHealthDescriptions!.map((description) => description.Target!);
    expect(registered).toHaveLength(wiring.subnetCount);
    expect(new Set(registered.map((target) => target.Id))).toEqual(addressesOf(endpoint));
    for (const target of registered) expect(target.Port).toBe(80);
  }, TEST_TIMEOUT_MS);

  test('Update: when the endpoint\'s subnets change, the handler answers with the new addresses', async () => {
    expect(current).toBeDefined();
    const [first, second, third] = network.consumerSubnetIds;
    const before = endpoint;
    await ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: before.id, AddSubnetIds: [third], RemoveSubnetIds: [second] }));
    let after = await readEndpoint(ec2, before.id);
    expect([...after.subnetIds].sort()).toEqual([first, third].sort());
    if (!interfacesFollowSubnets(after)) {
      // moto (5.2) changes the endpoint's SubnetIds but keeps its old network interfaces, where
      // AWS replaces them. A replacement endpoint in the new subnets gives the lookup what a real
      // update would: new interface IDs, so new properties and an Update.
      after = await createEndpoint(ec2, network, [first, third]);
    }
    expect(interfacesFollowSubnets(after)).toBe(true);
    expect(after.eniIds).not.toEqual(before.eniIds);

    const properties = lookupProperties(wiring, after);
    expect(properties).not.toEqual(current!.properties);
    const run = await runHandler(handler, recorder!, customResourceEvent(wiring, 'Update', properties, current));
    current = { physicalResourceId: run.response.PhysicalResourceId, properties };

    expect({ status: run.response.Status, log: run.response.Status === 'SUCCESS' ? '' : withLogs(run) }).toEqual({ status: 'SUCCESS', log: '' });
    expect(run.response.PhysicalResourceId).toBe(after.id);
    expect(exactOutputKeys(run.response.Data)).toEqual(outputPaths);
    expect(lookedUpAddresses(run.response.Data, outputPaths)).toEqual(addressesOf(after));
    expect(run.calls.map((call) => [call.action, call.status])).toEqual([['DescribeNetworkInterfaces', 200]]);
    endpoint = after;
  }, TEST_TIMEOUT_MS);

  test('Delete: the handler answers SUCCESS without calling AWS', async () => {
    expect(current).toBeDefined();
    const run = await runHandler(handler, recorder!, customResourceEvent(wiring, 'Delete', current!.properties, current));

    expect({ status: run.response.Status, log: run.response.Status === 'SUCCESS' ? '' : withLogs(run) }).toEqual({ status: 'SUCCESS', log: '' });
    expect(run.response.PhysicalResourceId).toBe(current!.physicalResourceId);
    expect(run.response.Data).toEqual({});
    expect(run.calls).toEqual([]);
  }, TEST_TIMEOUT_MS);

  test('a network interface that does not exist makes the handler answer FAILED', async () => {
    const missingEni = 'eni-0123456789abcdef0';
    expect(endpoint.eniIds).not.toContain(missingEni);
    const properties = lookupProperties(wiring, { id: endpoint.id, eniIds: [missingEni, ...endpoint.eniIds.slice(1)] });
    const run = await runHandler(handler, recorder!, customResourceEvent(wiring, 'Create', properties));

    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(missingEni);
    expect(run.response.Data).toEqual({});
    // The handler reports a failed Create under its log stream's name.
    expect(run.response.PhysicalResourceId).toBe(LAMBDA_CONTEXT.logStreamName);
    expect(run.calls.map((call) => call.action)).toEqual(['DescribeNetworkInterfaces']);
    expect(run.calls[0].status).toBeGreaterThanOrEqual(400);
  }, TEST_TIMEOUT_MS);
});
