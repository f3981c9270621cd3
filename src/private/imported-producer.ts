import { Duration, Resource, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { ServedProtocol, validateHealthCheck, validateServedProtocol } from './health-check';
import { REGION_NAME, regionOfServiceName, validateAvailabilityZones, validateDeregistrationDelay } from './producer-validation';
import { DEFAULT_PORT, MAX_LISTENERS_PER_NLB, validatePort } from './validation';

/*
 * The importer behind `PrivateLinkProducer.fromPrivateLinkProducerAttributes`. Its types restate
 * `PrivateLinkPortAttributes` and `PrivateLinkProducerAttributes` structurally, because this file
 * cannot import the producer's file, which imports it; TypeScript checks that they agree where
 * the producer's file passes its attributes in and returns the import as an `IPrivateLinkProducer`.
 */

/** The ALB's settings for a port of the service: `PrivateLinkPortAttributes` without the port. */
interface PortSettings extends ServedProtocol {
  readonly healthCheck?: elbv2.HealthCheck;
  readonly deregistrationDelay?: Duration;
}

/** What an import knows of a service: `PrivateLinkProducerAttributes`. */
interface ProducerAttributes extends PortSettings {
  readonly endpointServiceName: string;
  readonly port?: number;
  readonly additionalPorts?: Array<PortSettings & { readonly port: number }>;
  readonly serviceRegion?: string;
  readonly availabilityZones?: string[];
}

/** An imported service: what `IPrivateLinkProducer` asks of it, its port known (no allowed Regions). */
export type ImportedProducer = Resource & Omit<ProducerAttributes, 'port' | 'serviceRegion'> & { readonly port: number };

/** A service known by its name only, after checking what it is told of it. Nothing is created. */
export function importPrivateLinkProducer(scope: Construct, id: string, attrs: ProducerAttributes): ImportedProducer {
  return new ImportedPrivateLinkProducer(scope, id, attrs);
}

/** A service known by name only; see `PrivateLinkProducer.fromPrivateLinkProducerAttributes`. */
class ImportedPrivateLinkProducer extends Resource {
  public readonly endpointServiceName: string;
  public readonly port: number;
  public readonly additionalPorts: ProducerAttributes['additionalPorts'];
  public readonly availabilityZones: ProducerAttributes['availabilityZones'];
  public readonly healthCheck: ProducerAttributes['healthCheck'];
  public readonly deregistrationDelay: ProducerAttributes['deregistrationDelay'];
  public readonly targetProtocol: ProducerAttributes['targetProtocol'];
  public readonly protocolVersion: ProducerAttributes['protocolVersion'];

  constructor(scope: Construct, id: string, attrs: ProducerAttributes) {
    super(scope, id, { region: attrs.serviceRegion });
    const where = this.node.path;
    const nameRegion = regionOfServiceName(where, attrs.endpointServiceName);
    const serviceRegion = attrs.serviceRegion;
    if (serviceRegion !== undefined && !Token.isUnresolved(serviceRegion) && !REGION_NAME.test(serviceRegion)) {
      throw new Error(`${where}: serviceRegion: '${serviceRegion}' is not a Region name such as 'eu-west-1'.`);
    }
    if (nameRegion !== undefined && !Token.isUnresolved(this.env.region) && nameRegion !== this.env.region) {
      throw new Error(`${where}: serviceRegion: service '${attrs.endpointServiceName}' is in ${nameRegion}, not ${this.env.region}; give serviceRegion: '${nameRegion}'.`);
    }
    validateAvailabilityZones(where, this.env.region, attrs.availabilityZones);
    this.endpointServiceName = attrs.endpointServiceName;
    this.port = attrs.port ?? DEFAULT_PORT;
    validatePort(where, this.port);
    // Only the consumer's ALB checks an import: the service's NLB is configured elsewhere.
    validateServedProtocol(where, attrs);
    validateHealthCheck(where, attrs.healthCheck, { ...attrs, nlb: false });
    validateDeregistrationDelay(where, attrs.deregistrationDelay);
    const ports = [this.port];
    for (const additional of attrs.additionalPorts ?? []) {
      validatePort(where, additional.port, 'additionalPorts');
      if (ports.includes(additional.port)) {
        throw new Error(`${where}: additionalPorts: port ${additional.port} is listed twice, counting port; give each port once.`);
      }
      validateServedProtocol(`${where}: additionalPorts: port ${additional.port}`, additional);
      validateHealthCheck(`${where}: additionalPorts: port ${additional.port}`, additional.healthCheck, { ...additional, nlb: false });
      validateDeregistrationDelay(`${where}: additionalPorts: port ${additional.port}`, additional.deregistrationDelay);
      ports.push(additional.port);
    }
    if (ports.length > MAX_LISTENERS_PER_NLB) {
      throw new Error(`${where}: additionalPorts: a service has at most ${MAX_LISTENERS_PER_NLB} ports (listeners per Network Load Balancer, a quota ELB does not raise), counting port; got ${ports.length}. List the ports it serves, and import its other endpoint services on their own.`);
    }
    this.additionalPorts = attrs.additionalPorts;
    this.availabilityZones = attrs.availabilityZones;
    this.healthCheck = attrs.healthCheck;
    this.deregistrationDelay = attrs.deregistrationDelay;
    this.targetProtocol = attrs.targetProtocol;
    this.protocolVersion = attrs.protocolVersion;
  }
}

